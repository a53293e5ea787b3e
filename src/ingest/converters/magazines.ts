/**
 * Converts Amazon's 2018 "Magazine Subscriptions" metadata into tailor items: clean text,
 * derived display titles, duplicates merged (with their also_buy / also_view links remapped
 * to the kept id), tags from leaf category, publisher and salient description words.
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
  /** Same key, same product: cleaned title, publisher and description. */
  key: string;
}

export interface MagazineStats {
  /** Lines whose asin was already read: exact repeats in the dump. */
  repeatedAsin: number;
  /** Distinct asins merged into another asin with the same cleaned title, publisher and description. */
  duplicatesMerged: number;
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

/** Cleaned categories, most general first, without repeats. */
export function cleanCategories(raw: unknown): string[] {
  const out: string[] = [];
  for (const c of strings(raw).map(cleanText)) if (c !== '' && !out.includes(c)) out.push(c);
  return out;
}

/** One metadata line as an item before catalogue-wide steps (dedupe, links, salient tags); a reason when unusable. */
export function parseMagazine(raw: unknown): { ok: true; value: Parsed } | { ok: false; reason: string } {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { ok: false, reason: 'line is not a JSON object' };
  const r = raw as Record<string, unknown>;
  const id = typeof r.asin === 'string' ? r.asin.trim() : '';
  if (id === '') return { ok: false, reason: 'missing asin' };
  const details = typeof r.details === 'object' && r.details !== null ? (r.details as Record<string, unknown>) : {};
  const detail = (key: string) => (typeof details[key] === 'string' ? cleanText(details[key] as string) : '');
  const brand = cleanText(typeof r.brand === 'string' ? r.brand : '') || detail('Publisher:') || null;
  const rawDescription = strings(r.description).join('\n');
  const description = cleanText(rawDescription) || null;
  const title = displayTitle({ id, rawTitle: typeof r.title === 'string' ? r.title : '', rawDescription, brand });
  const categories = cleanCategories(r.category);
  const attributes: Record<string, unknown> = {};
  const format = detail('Format:');
  if (format) attributes.format = format;
  if (title.term) attributes.term = title.term;
  const item: ItemRecord = { id, title: title.title, description, brand, categories, tags: [], price: parsePrice(r.price), attributes };
  // Items with neither a description nor a real title cannot be told apart, so they never merge.
  const informative = description !== null || title.source === 'title';
  const key = informative ? [foldText(title.title), foldText(brand ?? ''), foldText(description ?? '')].join('|') : `id:${id}`;
  return { ok: true, value: { item, alsoBuy: strings(r.also_buy), alsoView: strings(r.also_view), titleSource: title.source, key } };
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
    // Of a duplicate group, keep the listing with the most links (it carries the most signal), then the first read.
    const groups = new Map<string, Parsed[]>();
    for (const id of this.order) {
      const p = this.byId.get(id)!;
      const group = groups.get(p.key);
      if (group) group.push(p);
      else groups.set(p.key, [p]);
    }
    const keptId = new Map<string, string>();
    const kept: { parsed: Parsed; merged: Parsed[] }[] = [];
    let duplicatesMerged = 0;
    for (const group of groups.values()) {
      let best = group[0];
      for (const p of group) if (p.alsoBuy.length + p.alsoView.length > best.alsoBuy.length + best.alsoView.length) best = p;
      for (const p of group) keptId.set(p.item.id, best.item.id);
      const merged = group.filter((p) => p !== best);
      duplicatesMerged += merged.length;
      for (let i = 0; i < merged.length; i++) this.tally.drop('duplicate of another asin (same title, publisher and description)');
      kept.push({ parsed: best, merged });
    }
    const corpus = new DescriptionCorpus();
    for (const { parsed } of kept) corpus.add(parsed.item.description);

    // Links of merged duplicates are links of the kept product; links leaving the catalogue are dropped.
    const links = (lists: string[][], self: string): string[] => {
      const out = new Set<string>();
      for (const list of lists) for (const asin of list) {
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
          also_buy: links(all.map((p) => p.alsoBuy), item.id),
          also_view: links(all.map((p) => p.alsoView), item.id),
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
