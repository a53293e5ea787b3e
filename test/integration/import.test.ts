import { importFiles } from '../../src/ingest/import';
import { createTestDatabase, TestDatabase } from '../support/db';
import { jsonlFile } from '../support/factories';

const profile = { halfLifeMs: 30 * 86_400_000, dedupeWindowMs: 600_000 };

describe('bulk import', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db.close());

  const items = jsonlFile([
    { id: 'a', title: 'Astronomy Now', brand: 'Pole Star', categories: ['Science'], tags: ['astronomy', 'telescopes'], price: '$12.99', attributes: { format: 'Print' } },
    { id: 'b', title: 'Vogue', description: 'Fashion.', brand: 'Conde Nast', categories: ['Fashion'], tags: ['fashion'], price: 5 },
    { id: 'c', title: 'Bare minimum' },
    'this is not json',
    { id: 'd' },
    { title: 'no id' },
    { id: 'e', title: 'Negative', price: -3 },
    { id: 'f', title: 'Bad tags', tags: 'astronomy' },
  ]);
  const interactions = jsonlFile([
    { userId: 'u1', itemId: 'a', kind: 'PURCHASE', occurredAt: '2026-10-01T00:00:00Z' },
    { userId: 'u1', itemId: 'b', kind: 'VIEW', occurredAt: '2026-10-02T00:00:00Z' },
    { userId: 'u2', kind: 'SEARCH', query: 'telescopes for beginners', occurredAt: '2026-10-03T00:00:00Z' },
    { userId: 'u2', itemId: 'zzz', kind: 'VIEW', occurredAt: '2026-10-03T00:00:00Z' },
    { userId: 'u2', itemId: 'a', kind: 'LIKE', occurredAt: '2026-10-03T00:00:00Z' },
    { userId: 'u2', itemId: 'a', kind: 'VIEW', occurredAt: 'yesterday-ish' },
    { userId: 'u3', kind: 'VIEW', occurredAt: '2026-10-03T00:00:00Z' },
    '{"userId": "u3", ',
  ]);

  it('imports good lines, rejects bad ones with reasons, and rebuilds profiles', async () => {
    // A batch of one line (and one user): writes overlap reading, and profile batches run side by side.
    const report = await importFiles(db.dataSource, { items, interactions, batchSize: 1, profile });
    expect(report.items).toEqual({ read: 8, inserted: 3, updated: 0, unchanged: 0, rejected: 5 });
    // u1 bought a, then viewed b: one pair each way (a -> b 1, b -> a 0.5), two items with one user each.
    expect(report.interactions).toEqual({ read: 8, inserted: 3, alreadyPresent: 0, rejected: 5, usersRebuilt: 2, coOccurrence: { pairs: 2, items: 2 } });
    expect(await db.dataSource.query(`SELECT item_a, item_b, weight FROM item_pairs ORDER BY item_a`)).toEqual([
      { item_a: 'a', item_b: 'b', weight: 1 },
      { item_a: 'b', item_b: 'a', weight: 0.5 },
    ]);
    // Where the time went, phase by phase, in the order they ran.
    expect(report.phases.map((p) => p.name)).toEqual(['items', 'interactions', 'profiles', 'co-occurrence']);
    expect(report.phases.every((p) => p.ms >= 0 && p.ms < 60_000)).toBe(true);
    const reasons = report.rejections.map((r) => `${r.line}: ${r.reason}`);
    expect(reasons).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^4: not valid JSON/),
        expect.stringMatching(/^5: title/),
        expect.stringMatching(/^6: id/),
        expect.stringMatching(/^7: price/),
        expect.stringMatching(/^8: tags/),
        expect.stringMatching(/^4: unknown itemId "zzz"/),
        expect.stringMatching(/^5: kind/),
        expect.stringMatching(/^6: occurredAt/),
        expect.stringMatching(/^7: a VIEW needs an itemId/),
      ]),
    );
    const [a] = await db.dataSource.query(`SELECT title, brand, categories, tags, price, attributes FROM items WHERE id = 'a'`);
    expect(a).toEqual({ title: 'Astronomy Now', brand: 'Pole Star', categories: ['Science'], tags: ['astronomy', 'telescopes'], price: '12.99', attributes: { format: 'Print' } });
    const u1 = await db.dataSource.query(`SELECT term, weight FROM user_interests WHERE user_id = 'u1' ORDER BY term`);
    // PURCHASE (5) of a, one day before a VIEW (1) of b: decayed by 2^(-1/30) to the newer event.
    const decay = Math.pow(2, -1 / 30);
    const expected: Record<string, number> = { astronomy: 5 * decay, telescope: 5 * decay, science: 5 * decay, 'pole star': 5 * decay, fashion: 2, 'conde nast': 1 };
    expect(Object.fromEntries(u1.map((r: any) => [r.term, r.weight]))).toEqual(
      Object.fromEntries(Object.entries(expected).map(([k, v]) => [k, expect.closeTo(v, 12)])),
    );
    const u2 = await db.dataSource.query(`SELECT term, weight FROM user_interests WHERE user_id = 'u2'`);
    expect(u2).toEqual([{ term: 'telescope', weight: 2 }]);
  });

  it('imports nothing twice when run again', async () => {
    const report = await importFiles(db.dataSource, { items, interactions, profile });
    expect(report.items).toMatchObject({ inserted: 0, updated: 0, unchanged: 3 });
    expect(report.interactions).toMatchObject({ inserted: 0, alreadyPresent: 3 });
    const [{ n }] = await db.dataSource.query(`SELECT count(*)::int AS n FROM interactions`);
    expect(n).toBe(3);
  });

  it('updates changed items and leaves the rest alone', async () => {
    const before = await db.dataSource.query(`SELECT id, updated_at FROM items ORDER BY id`);
    const changed = jsonlFile([{ id: 'a', title: 'Astronomy Now', brand: 'Pole Star', categories: ['Science'], tags: ['astronomy'], price: 12.99, attributes: { format: 'Print' } }, { id: 'c', title: 'Bare minimum' }]);
    const report = await importFiles(db.dataSource, { items: changed, profile });
    expect(report.items).toMatchObject({ inserted: 0, updated: 1, unchanged: 1 });
    const after = await db.dataSource.query(`SELECT id, updated_at FROM items ORDER BY id`);
    expect(after[1]).toEqual(before[1]);
    expect(after[0].updated_at.getTime()).toBeGreaterThan(before[0].updated_at.getTime());
  });
});
