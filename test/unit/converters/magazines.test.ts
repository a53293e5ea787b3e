import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { convertMagazinesFile, MagazineCatalogueBuilder } from '../../../src/ingest/converters/magazines';
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
  builder.add(line('B1', { description: ['<b>Vogue</b> is unparalleled in its influence on fashion &amp; style.'], also_buy: ['A1'], price: '$12.99' }));
  builder.add(line('C1', { description: [], brand: 'Hearst', details: {} }));
  builder.add(line('C2', { description: [], brand: 'Hearst', details: {} })); // nothing tells C1 and C2 apart: both kept
  builder.add([1, 2]);
  builder.add({ title: 'no asin' });
  const { items, keptId, tally, stats } = builder.build();
  const byId = new Map(items.map((i) => [i.id, i]));

  it('merges listings with the same cleaned title, publisher and description, keeping the better linked one', () => {
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
  });

  it('counts every dropped line with its reason', () => {
    expect(tally.toJSON()).toEqual({
      read: 8,
      written: 4,
      dropped: 4,
      droppedByReason: {
        'repeated asin (same product listed again)': 1,
        'duplicate of another asin (same title, publisher and description)': 1,
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
    const tally = await convertReviewsFile(file, keptId, async (e) => void out.push(e));
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

const REAL = join(projectRoot(), '..', 'shared', 'data', 'amazon-magazines-2018', 'meta_Magazine_Subscriptions.json.gz');
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
    const reason = catalogue.items.find((i) => i.id === 'B00005N7NQ')!;
    expect(reason.title).toBe('Reason');
    expect(reason.brand).toBe('Reason Magazine');
    expect(catalogue.stats.titleSources.description).toBeGreaterThan(700);
    expect(catalogue.stats.titleSources.brand).toBeLessThan(catalogue.items.length / 2);
  });

  it('keeps only links inside the catalogue', () => {
    const ids = new Set(catalogue.items.map((i) => i.id));
    for (const item of catalogue.items) {
      for (const id of item.attributes.also_buy as string[]) expect(ids.has(id)).toBe(true);
    }
  });
});
