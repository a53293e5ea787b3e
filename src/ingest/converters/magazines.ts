/**
 * Converts Amazon's 2018 "Magazine Subscriptions" metadata into tailor items: clean text,
 * derived display titles, duplicates merged (with their also_buy / also_view links remapped
 * to the kept id), tags from leaf category, publisher and salient description words.
 *
 * The same magazine is often listed under several asins (one per subscription offer, with or
 * without Amazon's auto-renewal note, with reworded copy). Two listings are one product when
 *  - their names are known (a real title, or one derived from the description) and the same once
 *    folded, with the same publisher (corporate suffixes aside) and format ("Popular Mechanics",
 *    Hearst Magazines, Print Magazine, three times); or
 *  - their names are not known (the title fell back to the publisher) and they have the same
 *    publisher, format and description (the auto-renewal note aside).
 * Listings with neither a name nor a description cannot be told apart and are all kept.
 */
import type { ItemRecord } from './format';
import { Tally } from './format';
import { readJsonLines } from './jsonl';
import { DescriptionCorpus } from './salient';
import { cleanText, parsePrice } from './text';
import { displayTitle, TitleSource } from './title';
import { foldText } from '../../personalisation/tokenise';

const TOP_LEVEL_CATEGORY = 'Magazine Subscriptions';
const SALIENT_TAGS = 5;
/** SOURCE.md counts a description as real when it has more than ten words. */
export const REAL_DESCRIPTION_WORDS = 10;

interface Parsed {
  item: ItemRecord;
  alsoBuy: string[];
  alsoView: string[];
  titleSource: TitleSource;
  /** Same key, same product: see the rule at the top of this file. */
  key: string;
  /** Which rule the key follows, to count what each merges. */
  keyRule: 'name' | 'description' | 'none';
}

export interface MagazineStats {
  /** Lines whose asin was already read: exact repeats in the dump. */
  repeatedAsin: number;
  /** Distinct asins merged into another asin listing the same magazine (both rules). */
  duplicatesMerged: number;
  /** Of those, merged by the same name, publisher and format; and by the same publisher, format and description. */
  duplicatesByName: number;
  duplicatesByDescription: number;
  /** Input lines (repeats included) with a description of more than ten words, as SOURCE.md counts. */
  linesWithRealDescription: number;
  /** Written items with a description of more than ten words. */
  itemsWithRealDescription: number;
  titleSources: Record<string, number>;
}

export interface MagazineCatalogue {
  items: ItemRecord[];
  /** Every asin read, to the id it was written under (itself, or the duplicate kept in its place). */
  keptId: Map<string, string>;
  tally: Tally;
  stats: MagazineStats;
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function wordCount(text: string | null): number {
  return text ? text.split(' ').filter((w) => /\p{L}/u.test(w)).length : 0;
}

/** Amazon appends this to many descriptions; it says nothing about the magazine. */
const AUTO_RENEWAL_NOTE = /\s*Learn more about auto-renewal subscriptions on Amazon\.com\.?\s*$/i;

// Words that differ between spellings of one publisher ("Meredith" / "Meredith Corporation", "Conde Nast" /
// "Conde Nast Publications"); dropped from the end of a folded publisher name.
const CORPORATE_SUFFIXES = new Set(
  'inc incorporated llc lp ltd limited co corp corporation company group publications publication publishing publishers publ pub media communications magazines'.split(
    ' ',
  ),
);

/** A publisher name for comparing listings: folded, without corporate suffixes ("Meredith corporation" -> "meredith"). */
export function publisherKey(brand: string | null): string {
  const words = foldText(brand ?? '')
    .split(' ')
    .filter((w) => w !== '');
  while (words.length > 1 && CORPORATE_SUFFIXES.has(words[words.length - 1])) words.pop();
  if (words.length > 1 && words[0] === 'the') words.shift();
  return words.join(' ');
}

/** Cleaned categories, most general first, without repeats. */
export function cleanCategories(raw: unknown): string[] {
  const out: string[] = [];
  for (const c of strings(raw).map(cleanText)) if (c !== '' && !out.includes(c)) out.push(c);
  return out;
}

/** One metadata line as an item before catalogue-wide steps (dedupe, links, salient tags); a reason when unusable. */
export function parseMagazine(raw: unknown): { ok: true; value: Parsed } | { ok: false; reason: string } {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    return { ok: false, reason: 'line is not a JSON object' };
  const r = raw as Record<string, unknown>;
  const id = typeof r.asin === 'string' ? r.asin.trim() : '';
  if (id === '') return { ok: false, reason: 'missing asin' };
  const details = typeof r.details === 'object' && r.details !== null ? (r.details as Record<string, unknown>) : {};
  const detail = (key: string) => (typeof details[key] === 'string' ? cleanText(details[key]) : '');
  const brand = cleanText(typeof r.brand === 'string' ? r.brand : '') || detail('Publisher:') || null;
  const rawDescription = strings(r.description).join('\n');
  const description = cleanText(rawDescription) || null;
  const title = displayTitle({ id, rawTitle: typeof r.title === 'string' ? r.title : '', rawDescription, brand });
  const categories = cleanCategories(r.category);
  const attributes: Record<string, unknown> = {};
  const format = detail('Format:');
  if (format) attributes.format = format;
  if (title.term) attributes.term = title.term;
  // No name was found: say so, so a shop can tell "Hearst Magazines" the fallback from a real title.
  if (title.source === 'brand' || title.source === 'id')
    attributes.title_from = title.source === 'brand' ? 'publisher' : 'asin';
  const item: ItemRecord = {
    id,
    title: title.title,
    description,
    brand,
    categories,
    tags: [],
    price: parsePrice(r.price),
    attributes,
  };
  // See the rule at the top of this file; items with neither a name nor a description never merge.
  const named = title.source === 'title' || title.source === 'emphasis' || title.source === 'description';
  const copy = description === null ? '' : foldText(description.replace(AUTO_RENEWAL_NOTE, ''));
  const [key, keyRule]: [string, Parsed['keyRule']] = named
    ? [['name', foldText(title.title), publisherKey(brand), foldText(format)].join('|'), 'name']
    : copy !== ''
      ? [['description', publisherKey(brand), foldText(format), copy].join('|'), 'description']
      : [`id:${id}`, 'none'];
  return {
    ok: true,
    value: {
      item,
      alsoBuy: strings(r.also_buy),
      alsoView: strings(r.also_view),
      titleSource: title.source,
      key,
      keyRule,
    },
  };
}

function tagsOf(item: ItemRecord, corpus: DescriptionCorpus): string[] {
  const leaf = item.categories.length > 1 ? item.categories[item.categories.length - 1] : null;
  const candidates = [leaf, item.brand, ...corpus.salientWords(item.description, SALIENT_TAGS)];
  const tags: string[] = [];
  const seen = new Set<string>();
  for (const c of candidates) {
    if (!c || c === TOP_LEVEL_CATEGORY) continue;
    const folded = foldText(c);
    if (folded === '' || seen.has(folded)) continue;
    seen.add(folded);
    tags.push(c);
  }
  return tags;
}

export const DUPLICATE_REASONS = {
  name: 'duplicate of another asin (same magazine name, publisher and format)',
  description: 'duplicate of another asin (no name; same publisher, format and description)',
  none: 'duplicate of another asin',
} as const;

const linkCount = (p: Parsed) => p.alsoBuy.length + p.alsoView.length;

/** Orders the listings of one magazine, the one to keep first: real description, most links, lowest asin. */
function betterListing(a: Parsed, b: Parsed): number {
  const described = (p: Parsed) => (wordCount(p.item.description) > REAL_DESCRIPTION_WORDS ? 1 : 0);
  return (
    described(b) - described(a) ||
    linkCount(b) - linkCount(a) ||
    (a.item.id < b.item.id ? -1 : a.item.id > b.item.id ? 1 : 0)
  );
}

/** Builds the catalogue from parsed lines; separate from reading so tests can feed lines directly. */
export class MagazineCatalogueBuilder {
  readonly tally = new Tally();
  private readonly byId = new Map<string, Parsed>();
  private readonly order: string[] = [];
  private repeatedAsin = 0;
  private linesWithRealDescription = 0;

  add(raw: unknown): void {
    this.tally.read++;
    const parsed = parseMagazine(raw);
    if (!parsed.ok) {
      this.tally.drop(parsed.reason);
      return;
    }
    const p = parsed.value;
    if (wordCount(p.item.description) > REAL_DESCRIPTION_WORDS) this.linesWithRealDescription++;
    if (this.byId.has(p.item.id)) {
      // The dump repeats whole lines; the first copy is kept.
      this.repeatedAsin++;
      this.tally.drop('repeated asin (same product listed again)');
      return;
    }
    this.byId.set(p.item.id, p);
    this.order.push(p.item.id);
  }

  /** Notes a line that could not be read at all (not JSON). */
  reject(reason: string): void {
    this.tally.read++;
    this.tally.drop(reason);
  }

  build(): MagazineCatalogue {
    // Of a duplicate group keep, in order: a listing with a real description (more than ten words), the one with
    // the most also_buy + also_view links (it carries the most signal), then the lowest asin (deterministic
    // whatever the order of the dump).
    const groups = new Map<string, Parsed[]>();
    for (const id of this.order) {
      const p = this.byId.get(id)!;
      const group = groups.get(p.key);
      if (group) group.push(p);
      else groups.set(p.key, [p]);
    }
    const keptId = new Map<string, string>();
    const kept: { parsed: Parsed; merged: Parsed[] }[] = [];
    const byRule = { name: 0, description: 0, none: 0 };
    for (const group of groups.values()) {
      const best = [...group].sort(betterListing)[0];
      for (const p of group) keptId.set(p.item.id, best.item.id);
      const merged = group.filter((p) => p !== best);
      byRule[best.keyRule] += merged.length;
      for (let i = 0; i < merged.length; i++) this.tally.drop(DUPLICATE_REASONS[best.keyRule]);
      kept.push({ parsed: best, merged });
    }
    const duplicatesMerged = byRule.name + byRule.description;
    const corpus = new DescriptionCorpus();
    for (const { parsed } of kept) corpus.add(parsed.item.description);

    // Links of merged duplicates are links of the kept product; links leaving the catalogue are dropped.
    const links = (lists: string[][], self: string): string[] => {
      const out = new Set<string>();
      for (const list of lists)
        for (const asin of list) {
          const target = keptId.get(asin);
          if (target !== undefined && target !== self) out.add(target);
        }
      return [...out];
    };
    const titleSources: Record<string, number> = {};
    const items: ItemRecord[] = kept
      .sort((a, b) => (a.parsed.item.id < b.parsed.item.id ? -1 : a.parsed.item.id > b.parsed.item.id ? 1 : 0))
      .map(({ parsed, merged }) => {
        const all = [parsed, ...merged];
        const item = parsed.item;
        titleSources[parsed.titleSource] = (titleSources[parsed.titleSource] ?? 0) + 1;
        const attributes: Record<string, unknown> = {
          ...item.attributes,
          also_buy: links(
            all.map((p) => p.alsoBuy),
            item.id,
          ),
          also_view: links(
            all.map((p) => p.alsoView),
            item.id,
          ),
        };
        if (merged.length > 0) attributes.merged_asins = merged.map((p) => p.item.id).sort();
        return { ...item, tags: tagsOf(item, corpus), attributes };
      });
    this.tally.written = items.length;
    return {
      items,
      keptId,
      tally: this.tally,
      stats: {
        repeatedAsin: this.repeatedAsin,
        duplicatesMerged,
        duplicatesByName: byRule.name,
        duplicatesByDescription: byRule.description,
        linesWithRealDescription: this.linesWithRealDescription,
        itemsWithRealDescription: items.filter((i) => wordCount(i.description) > REAL_DESCRIPTION_WORDS).length,
        titleSources,
      },
    };
  }
}

/**
 * Reads the metadata file (JSON Lines, gzip or not) line by line. The cleaned catalogue is
 * held in memory because merging duplicates and TF-IDF need all of it; it is a few thousand
 * items, and interactions (the large part) stream separately.
 */
export async function convertMagazinesFile(path: string): Promise<MagazineCatalogue> {
  const builder = new MagazineCatalogueBuilder();
  for await (const line of readJsonLines(path)) {
    if (line.ok) builder.add(line.value);
    else builder.reject(line.reason);
  }
  return builder.build();
}
