import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ItemRecord } from '../../../src/ingest/converters/format';
import { convertMagazinesFile, publisherKey } from '../../../src/ingest/converters/magazines';
import { chooseSample } from '../../../src/ingest/converters/sample';
import { DEFAULT_SIMULATION, simulateUsers } from '../../../src/ingest/converters/simulate';
import { projectRoot } from '../../../src/util/paths';

const item = (id: string, alsoBuy: string[], alsoView: string[] = []): ItemRecord => ({
  id,
  title: `Title ${id}`,
  description: 'A magazine about gardens, roses, soil, compost and the people who grow vegetables at home.',
  brand: 'Publisher',
  categories: ['Magazine Subscriptions', 'Home & Garden'],
  tags: ['Home & Garden', 'rose', 'compost'],
  price: null,
  attributes: { also_buy: alsoBuy, also_view: alsoView },
});

const graph = [
  item('a', ['b', 'c']),
  item('b', ['a', 'c']),
  item('c', ['d']),
  item('d', ['a'], ['e']),
  item('e', [], ['a']),
  item('z', []),
];

describe('simulated users', () => {
  it('repeats exactly with the same seed and differs with another', () => {
    const options = { ...DEFAULT_SIMULATION, users: 10 };
    expect(simulateUsers(graph, options)).toEqual(simulateUsers(graph, options));
    expect(simulateUsers(graph, { ...options, seed: options.seed + 1 })).not.toEqual(simulateUsers(graph, options));
  });

  it('are named, labelled by kind, and stay inside the period', () => {
    const events = simulateUsers(graph, { ...DEFAULT_SIMULATION, users: 30 });
    const end = DEFAULT_SIMULATION.end.getTime();
    const start = end - DEFAULT_SIMULATION.days * 86_400_000;
    expect(new Set(events.map((e) => e.userId)).has('sim-user-001')).toBe(true);
    const kinds = new Set(events.map((e) => e.kind));
    expect(kinds).toEqual(new Set(['VIEW', 'SEARCH', 'ADD_TO_CART', 'PURCHASE']));
    for (const e of events) {
      const t = Date.parse(e.occurredAt);
      expect(t).toBeGreaterThanOrEqual(start);
      expect(t).toBeLessThan(end);
      if (e.kind === 'SEARCH') expect(e.itemId === null && typeof e.query === 'string').toBe(true);
      else expect(e.itemId).not.toBeNull();
    }
    expect(events.filter((e) => e.kind === 'VIEW').length).toBeGreaterThan(events.length / 2);
  });
});

describe('choosing the sample', () => {
  it('grows a connected set from the best-linked item and restricts links to it', () => {
    const chosen = chooseSample(graph, 3);
    expect(chosen.map((i) => i.id)).toEqual(['a', 'b', 'c']);
    expect(chosen.find((i) => i.id === 'c')!.attributes.also_buy).toEqual([]);
    expect(chooseSample(graph, 100).map((i) => i.id)).toEqual(['a', 'b', 'c', 'd', 'e']); // z has no links
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
const itReal = existsSync(REAL) ? it : it.skip;

describe('the shipped sample', () => {
  const dir = join(projectRoot(), 'data', 'sample');
  const read = (f: string) =>
    readFileSync(join(dir, f), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));

  it('is small, real items and labelled simulated users', () => {
    const items = read('items.jsonl');
    const interactions = read('interactions.jsonl');
    expect(items.length).toBeGreaterThanOrEqual(250);
    const ids = new Set(items.map((i: ItemRecord) => i.id));
    for (const e of interactions) if (e.itemId !== null) expect(ids.has(e.itemId)).toBe(true);
    expect(new Set(interactions.map((e: { userId: string }) => e.userId)).size).toBe(60);
    expect(readFileSync(join(dir, 'SOURCE.md'), 'utf8')).toMatch(
      /Ni, Jiacheng Li, Julian McAuley[\s\S]*EMNLP 2019[\s\S]*SIMULATED/,
    );
  });

  it('lists each magazine once, and links and interactions only kept listings', () => {
    const items: ItemRecord[] = read('items.jsonl');
    const ids = new Set(items.map((i) => i.id));
    // Popular Mechanics and Prevention were shipped twice (B00005N7SA + B00AHK8D02, B00005NIOO + B000OPOEEE).
    expect(ids.has('B00AHK8D02') || ids.has('B000OPOEEE')).toBe(false);
    const keys = items.map(
      (i) =>
        `${i.title.toLowerCase()}|${publisherKey(i.brand)}|${String((i.attributes.format as string | undefined) ?? '')}`,
    );
    expect(new Set(keys).size).toBe(items.length);
    for (const i of items) {
      expect(i.title).not.toBe(i.brand);
      const merged = (i.attributes.merged_asins as string[] | undefined) ?? [];
      for (const key of ['also_buy', 'also_view']) {
        for (const id of i.attributes[key] as string[]) {
          expect(ids.has(id)).toBe(true);
          expect(merged).not.toContain(id);
        }
      }
    }
  });

  itReal('is what the converter builds from the real file (same seed, same output)', async () => {
    const items = chooseSample((await convertMagazinesFile(REAL)).items, 300);
    expect(items).toEqual(read('items.jsonl'));
    expect(simulateUsers(items, DEFAULT_SIMULATION)).toEqual(read('interactions.jsonl'));
  });
});
