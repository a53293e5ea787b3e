import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import {
  convertMagazinesFile,
  DUPLICATE_REASONS,
  MagazineCatalogueBuilder,
  publisherKey,
} from '../../../src/ingest/converters/magazines';
import { convertReviewsFile } from '../../../src/ingest/converters/reviews';
import type { InteractionRecord } from '../../../src/ingest/converters/format';
import { projectRoot } from '../../../src/util/paths';

const BROKEN = '<span class="a-size-medium a-color-secondary"';

function line(asin: string, over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    asin,
    title: BROKEN,
    brand: 'Conde Nast',
    category: ['Magazine Subscriptions', 'Fashion &amp; Style', 'Women'],
    description: ['Glamour gives you the best hair and beauty tips that work for your face.', '', ''],
    price: '',
    also_buy: [],
    also_view: [],
    details: { 'Format:': 'Print Magazine', 'Publisher:': 'Conde Nast', 'ASIN: ': asin },
    ...over,
  };
}

describe('the magazines catalogue', () => {
  const builder = new MagazineCatalogueBuilder();
  builder.add(line('A1', { also_buy: ['B1', 'OUTSIDE'] }));
  builder.add(line('A2', { also_buy: ['B1', 'C1'], also_view: ['A1'] })); // same product as A1, more links: kept
  builder.add(line('A1')); // the dump repeats lines
  builder.add(
    line('B1', {
      description: ['<b>Vogue</b> is unparalleled in its influence on fashion &amp; style.'],
      also_buy: ['A1'],
      price: '$12.99',
    }),
  );
  builder.add(line('C1', { description: [], brand: 'Hearst', details: {} }));
  builder.add(line('C2', { description: [], brand: 'Hearst', details: {} })); // nothing tells C1 and C2 apart: both kept
  builder.add([1, 2]);
  builder.add({ title: 'no asin' });
  const { items, keptId, tally, stats } = builder.build();
  const byId = new Map(items.map((i) => [i.id, i]));

  it('merges listings of the same named magazine, keeping the better linked one', () => {
    expect([...byId.keys()]).toEqual(['A2', 'B1', 'C1', 'C2']);
    expect(keptId.get('A1')).toBe('A2');
    expect(byId.get('A2')!.attributes.merged_asins).toEqual(['A1']);
    expect(stats).toMatchObject({ repeatedAsin: 1, duplicatesMerged: 1 });
  });

  it('remaps links to the kept id and drops links leaving the catalogue', () => {
    expect(byId.get('B1')!.attributes.also_buy).toEqual(['A2']);
    expect(byId.get('A2')!.attributes.also_buy).toEqual(['B1', 'C1']);
    expect(byId.get('A2')!.attributes.also_view).toEqual([]); // its only link was to its own duplicate
  });

  it('cleans titles, categories, prices and builds tags', () => {
    const b1 = byId.get('B1')!;
    expect(b1.title).toBe('Vogue');
    expect(b1.description).toBe('Vogue is unparalleled in its influence on fashion & style.');
    expect(b1.categories).toEqual(['Magazine Subscriptions', 'Fashion & Style', 'Women']);
    expect(b1.price).toBe(12.99);
    expect(b1.tags.slice(0, 2)).toEqual(['Women', 'Conde Nast']);
    expect(b1.attributes.format).toBe('Print Magazine');
    expect(byId.get('A2')!.title).toBe('Glamour');
    expect(byId.get('C1')!.title).toBe('Hearst');
    expect(byId.get('C1')!.attributes.title_from).toBe('publisher'); // no name found: said so
    expect(byId.get('B1')!.attributes.title_from).toBeUndefined();
  });

  it('counts every dropped line with its reason', () => {
    expect(tally.toJSON()).toEqual({
      read: 8,
      written: 4,
      dropped: 4,
      droppedByReason: {
        'repeated asin (same product listed again)': 1,
        [DUPLICATE_REASONS.name]: 1,
        'line is not a JSON object': 1,
        'missing asin': 1,
      },
    });
  });

  it('turns 2018 review lines (gzip) into PURCHASE interactions on kept ids', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tailor-reviews-'));
    const file = join(dir, 'reviews.json.gz');
    const lines = [
      JSON.stringify({ reviewerID: 'R1', asin: 'A1', overall: 5, unixReviewTime: 1514764800 }),
      JSON.stringify({ reviewerID: 'R2', asin: 'B1', overall: 3.0, unixReviewTime: '1514851200' }),
      JSON.stringify({ reviewerID: 'R3', asin: 'NOPE', overall: 1, unixReviewTime: 1514764800 }),
      JSON.stringify({ asin: 'B1', unixReviewTime: 1514764800 }),
      JSON.stringify({ reviewerID: 'R4', asin: 'B1' }),
      '{not json',
    ];
    writeFileSync(file, gzipSync(lines.join('\n') + '\n'));
    const out: InteractionRecord[] = [];
    const tally = await convertReviewsFile(file, keptId, (e) => Promise.resolve(void out.push(e)));
    expect(out).toEqual([
      { userId: 'R1', itemId: 'A2', kind: 'PURCHASE', occurredAt: '2018-01-01T00:00:00.000Z', query: null },
      { userId: 'R2', itemId: 'B1', kind: 'PURCHASE', occurredAt: '2018-01-02T00:00:00.000Z', query: null },
    ]);
    expect(tally.toJSON()).toEqual({
      read: 6,
      written: 2,
      dropped: 4,
      droppedByReason: {
        'asin not in the converted catalogue': 1,
        'missing reviewerID': 1,
        'missing or invalid unixReviewTime': 1,
        'not valid JSON': 1,
      },
    });
  });
});

// Real description openings: the same magazine listed under several asins, reworded or with Amazon's note appended.
const HOUSE =
  "Satisfy your passion for stylish living and practical ideas for updating every room in your home. Find great ways to use today's best furnishings and accessories within our pages.";
const MECHANICS_1 = 'Popular Mechanics is for people who have a passion to know how things work.';
const MECHANICS_2 =
  'Popular Mechanics directly aligns with the mindset of the contemporary man whose everyday life involves technology, data, science and constant flux.';
const VOGUE_US =
  'Vogue is the fashion authority. Setting the standard for over 100 years has made Vogue the best selling fashion magazine in the world.';
const VOGUE_FR =
  "The French edition of Vogue covers fashion, beauty, health, fitness, travel, entertainment and other areas of interest to today's woman.";
const RENEWAL =
  ' <a href="/gp/help/customer/display.html/ref=hp_left_ac?ie=UTF8&nodeId=201293140" target="_blank">Learn more</a> about auto-renewal subscriptions on Amazon.com';

describe('the same magazine listed under several asins', () => {
  const mag = (asin: string, brand: string, description: string, over: Record<string, unknown> = {}) =>
    line(asin, {
      brand,
      description: [description],
      details: { 'Format:': 'Print Magazine', 'Publisher:': brand },
      ...over,
    });
  const build = (lines: Record<string, unknown>[]) => {
    const builder = new MagazineCatalogueBuilder();
    for (const l of lines) builder.add(l);
    return builder.build();
  };

  it('is one product when the names and publishers match, even with other copy; the described, best linked listing is kept', () => {
    const { items, keptId, stats, tally } = build([
      mag('B015W2X2U0', 'Hearst Magazines', MECHANICS_2, { also_buy: ['B00005N7QW'] }),
      mag('B00AHK8D02', 'Hearst Magazines, Inc.', MECHANICS_1, { also_buy: ['B00005N7QW', 'B015W2X2U0'] }),
      mag('B00005N7SA', 'Hearst Magazines', MECHANICS_1, {
        also_buy: ['B00005N7QW', 'B00AHK8D02', 'B0000TEST1'],
        also_view: ['B00005N7QW'],
      }),
      mag(
        'B00005N7QW',
        'Hearst Magazines',
        `${HOUSE} Who Reads House Beautiful? The House Beautiful reader is someone whose home is her bedrock.`,
        {
          also_buy: ['B00AHK8D02', 'B015W2X2U0'],
        },
      ),
    ]);
    expect(items.map((i) => [i.id, i.title])).toEqual([
      ['B00005N7QW', 'House Beautiful'],
      ['B00005N7SA', 'Popular Mechanics'],
    ]);
    expect(keptId.get('B00AHK8D02')).toBe('B00005N7SA');
    expect(keptId.get('B015W2X2U0')).toBe('B00005N7SA');
    const mechanics = items.find((i) => i.id === 'B00005N7SA')!;
    expect(mechanics.attributes.merged_asins).toEqual(['B00AHK8D02', 'B015W2X2U0']);
    // Links to a dropped listing now point at the kept one, once; links between the merged listings vanish.
    expect(items.find((i) => i.id === 'B00005N7QW')!.attributes.also_buy).toEqual(['B00005N7SA']);
    expect(mechanics.attributes.also_buy).toEqual(['B00005N7QW']);
    expect(stats).toMatchObject({ duplicatesMerged: 2, duplicatesByName: 2, duplicatesByDescription: 0 });
    expect(tally.toJSON().droppedByReason).toEqual({ [DUPLICATE_REASONS.name]: 2 });
  });

  it('prefers a real description over links, and the lowest asin when all else is equal', () => {
    const short = build([
      mag('B0000000A1', 'Conde Nast', 'Vogue is the fashion authority.', { also_buy: ['X', 'Y', 'Z'] }),
      mag('B0000000B2', 'Conde Nast', VOGUE_US),
    ]);
    expect(short.items.map((i) => i.id)).toEqual(['B0000000B2']);
    const tie = build([mag('B0000000D4', 'Conde Nast', VOGUE_US), mag('B0000000C3', 'Conde Nast', VOGUE_US)]);
    expect(tie.items.map((i) => i.id)).toEqual(['B0000000C3']);
  });

  it('keeps editions of other publishers and other formats apart', () => {
    const { items } = build([
      mag('B00005N7TG', 'Conde Nast Publications', VOGUE_US),
      mag('B0000945IJ', 'Editions Conde Nast', VOGUE_FR),
      mag('B0000TEST2', 'Conde Nast', VOGUE_US, {
        details: { 'Format:': 'Single Issue Magazine', 'Publisher:': 'Conde Nast' },
      }),
    ]);
    expect(items.map((i) => i.title)).toEqual(['Vogue', 'Vogue', 'Vogue']);
  });

  it('without a name, is one product only when publisher and description match (the auto-renewal note aside)', () => {
    const { items, keptId, stats } = build([
      mag('B00005N7QX', 'Hearst Magazines', HOUSE),
      mag('B00T6S84AU', 'Hearst Magazines', HOUSE + RENEWAL),
      mag('B00O4VG24Y', 'Hearst Magazines', 'Everything you need to know to make magnificent memory pages.'),
    ]);
    expect(items.map((i) => [i.id, i.title])).toEqual([
      ['B00005N7QX', 'Hearst Magazines'],
      ['B00O4VG24Y', 'Hearst Magazines'],
    ]);
    expect(keptId.get('B00T6S84AU')).toBe('B00005N7QX');
    expect(stats).toMatchObject({ duplicatesByName: 0, duplicatesByDescription: 1 });
  });

  it('compares publishers without their corporate suffixes', () => {
    expect(publisherKey('Meredith corporation')).toBe(publisherKey('Meredith'));
    expect(publisherKey('Conde Nast Publications')).toBe(publisherKey('Conde Nast'));
    expect(publisherKey('Bloomberg LP')).toBe(publisherKey('Bloomberg'));
    expect(publisherKey('Editions Conde Nast')).not.toBe(publisherKey('Conde Nast'));
    expect(publisherKey('Media')).toBe('media');
  });
});

const REAL = join(
  projectRoot(),
  '..',
  'shared',
  'data',
  'amazon-magazines-2018',
  'meta_Magazine_Subscriptions.json.gz',
);
const describeReal = existsSync(REAL) ? describe : describe.skip;
if (!existsSync(REAL)) console.warn(`skipping the real-data magazines test: ${REAL} is not present`);

describeReal('the magazines converter on the real file', () => {
  let catalogue: Awaited<ReturnType<typeof convertMagazinesFile>>;
  beforeAll(async () => {
    catalogue = await convertMagazinesFile(REAL);
  });

  it('reads every line and leaves no HTML or entities in titles and categories', () => {
    expect(catalogue.tally.read).toBe(3385);
    for (const item of catalogue.items) {
      expect(item.title).not.toMatch(/<|&amp;/);
      for (const c of item.categories) expect(c).not.toContain('&amp;');
      if (item.categories.length > 0) expect(item.categories[0]).toBe('Magazine Subscriptions');
    }
  });

  it('finds the 2,7xx described lines SOURCE.md counts, and merges repeats and duplicates', () => {
    // SOURCE.md counts lines; 1,065 of them repeat an asin, and more list one product twice.
    expect(catalogue.stats.linesWithRealDescription).toBeGreaterThanOrEqual(2700);
    expect(catalogue.stats.linesWithRealDescription).toBeLessThan(2800);
    expect(catalogue.stats.repeatedAsin).toBe(1065);
    expect(catalogue.stats.duplicatesMerged).toBeGreaterThan(100);
    expect(catalogue.items.length).toBe(3385 - catalogue.tally.droppedTotal);
    expect(new Set(catalogue.items.map((i) => i.id)).size).toBe(catalogue.items.length);
    expect(catalogue.stats.itemsWithRealDescription).toBeGreaterThan(1400);
  });

  it('derives titles for the items whose scraped title is broken', () => {
    const byId = new Map(catalogue.items.map((i) => [i.id, i]));
    expect(byId.get('B00005N7NQ')).toMatchObject({ title: 'Reason', brand: 'Reason Magazine' });
    expect(byId.get('B00005N7QG')).toMatchObject({ title: 'Good Housekeeping', brand: 'Hearst Magazines' });
    expect(catalogue.stats.titleSources.description).toBeGreaterThan(750);
    expect(catalogue.stats.titleSources.brand).toBeLessThan(catalogue.items.length / 2);
    // Before the rules for appositives, possessives, "Who Reads ..." and titles in capitals, 656 items with a
    // description of more than ten words were shown under their publisher's name; 565 are now, nearly all
    // because their copy never names the magazine.
    const fallbackDescribed = catalogue.items.filter(
      (i) => i.attributes.title_from === 'publisher' && (i.description ?? '').split(' ').length > 10,
    );
    expect(fallbackDescribed.length).toBeLessThan(600);
  });

  it('merges the listings of one magazine and maps every asin to the kept one', () => {
    const ids = new Set(catalogue.items.map((i) => i.id));
    // Popular Mechanics and Prevention were each listed (and shipped in the sample) twice.
    expect(catalogue.keptId.get('B00AHK8D02')).toBe('B00005N7SA');
    expect(catalogue.keptId.get('B000OPOEEE')).toBe('B00005NIOO');
    expect(ids.has('B00AHK8D02') || ids.has('B000OPOEEE')).toBe(false);
    for (const kept of catalogue.keptId.values()) expect(ids.has(kept)).toBe(true);
    expect(catalogue.stats.duplicatesByName).toBeGreaterThan(350);
    // No two written items share a name, publisher and format.
    const named = catalogue.items.filter((i) => i.attributes.title_from === undefined);
    const keys = named.map(
      (i) =>
        `${i.title.toLowerCase()}|${publisherKey(i.brand)}|${String((i.attributes.format as string | undefined) ?? '')}`,
    );
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('keeps only links inside the catalogue', () => {
    const ids = new Set(catalogue.items.map((i) => i.id));
    for (const item of catalogue.items) {
      for (const id of item.attributes.also_buy as string[]) expect(ids.has(id)).toBe(true);
    }
  });
});
