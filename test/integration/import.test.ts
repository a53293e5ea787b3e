import type { NewInteraction } from '../../src/db/repositories/interactions';
import { importFiles, writeBatch, writeInteractions, writeItems } from '../../src/ingest/import';
import { FUTURE_SKEW_MS } from '../../src/domain/storable';
import { clock, daysAgo } from '../support/config';
import { createTestDatabase, TestDatabase } from '../support/db';
import { insertItems, item, jsonlFile } from '../support/factories';

const profile = { halfLifeMs: 30 * 86_400_000, dedupeWindowMs: 600_000 };
/** What every import here is given: the profile settings, and the tests' clock for the future rule. */
const settings = { profile, clock };

describe('bulk import', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db.close());

  const items = jsonlFile([
    {
      id: 'a',
      title: 'Astronomy Now',
      brand: 'Pole Star',
      categories: ['Science'],
      tags: ['astronomy', 'telescopes'],
      price: '$12.99',
      attributes: { format: 'Print' },
    },
    {
      id: 'b',
      title: 'Vogue',
      description: 'Fashion.',
      brand: 'Conde Nast',
      categories: ['Fashion'],
      tags: ['fashion'],
      price: 5,
    },
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
    const report = await importFiles(db.dataSource, { items, interactions, batchSize: 1, ...settings });
    expect(report.items).toEqual({ read: 8, inserted: 3, updated: 0, unchanged: 0, rejected: 5 });
    // u1 bought a, then viewed b: one pair each way (a -> b 1, b -> a 0.5), two items with one user each.
    expect(report.interactions).toEqual({
      read: 8,
      inserted: 3,
      alreadyPresent: 0,
      rejected: 5,
      usersRebuilt: 2,
      coOccurrence: { pairs: 2, items: 2 },
    });
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
    const [a] = await db.dataSource.query(
      `SELECT title, brand, categories, tags, price, attributes FROM items WHERE id = 'a'`,
    );
    expect(a).toEqual({
      title: 'Astronomy Now',
      brand: 'Pole Star',
      categories: ['Science'],
      tags: ['astronomy', 'telescopes'],
      price: '12.99',
      attributes: { format: 'Print' },
    });
    const u1 = await db.dataSource.query(`SELECT term, weight FROM user_interests WHERE user_id = 'u1' ORDER BY term`);
    // PURCHASE (5) of a, one day before a VIEW (1) of b: decayed by 2^(-1/30) to the newer event.
    const decay = Math.pow(2, -1 / 30);
    const expected: Record<string, number> = {
      astronomy: 5 * decay,
      telescope: 5 * decay,
      science: 5 * decay,
      'pole star': 5 * decay,
      fashion: 2,
      'conde nast': 1,
    };
    expect(Object.fromEntries(u1.map((r: any) => [r.term, r.weight]))).toEqual(
      Object.fromEntries(Object.entries(expected).map(([k, v]) => [k, expect.closeTo(v, 12)])),
    );
    const u2 = await db.dataSource.query(`SELECT term, weight FROM user_interests WHERE user_id = 'u2'`);
    expect(u2).toEqual([{ term: 'telescope', weight: 2 }]);
  });

  it('imports nothing twice when run again, and finishes what an import that stopped part-way left undone', async () => {
    const profiles = () =>
      db.dataSource.query(`SELECT user_id, term, weight FROM user_interests ORDER BY user_id, term`);
    const pairs = () => db.dataSource.query(`SELECT item_a, item_b, weight FROM item_pairs ORDER BY item_a, item_b`);
    const [derivedProfiles, derivedPairs] = [await profiles(), await pairs()];
    // As if the last run had stopped after writing the log but before deriving from it.
    await db.dataSource.query(`DELETE FROM user_interests`);
    await db.dataSource.query(`DELETE FROM item_pairs`);
    const report = await importFiles(db.dataSource, { items, interactions, ...settings });
    expect(report.items).toMatchObject({ inserted: 0, updated: 0, unchanged: 3 });
    expect(report.interactions).toMatchObject({ inserted: 0, alreadyPresent: 3, usersRebuilt: 2 });
    const [{ n }] = await db.dataSource.query(`SELECT count(*)::int AS n FROM interactions`);
    expect(n).toBe(3);
    expect(await profiles()).toEqual(derivedProfiles);
    expect(await pairs()).toEqual(derivedPairs);
  });

  it('updates changed items and leaves the rest alone', async () => {
    const before = await db.dataSource.query(`SELECT id, updated_at FROM items ORDER BY id`);
    const changed = jsonlFile([
      {
        id: 'a',
        title: 'Astronomy Now',
        brand: 'Pole Star',
        categories: ['Science'],
        tags: ['astronomy'],
        price: 12.99,
        attributes: { format: 'Print' },
      },
      { id: 'c', title: 'Bare minimum' },
    ]);
    const report = await importFiles(db.dataSource, { items: changed, ...settings });
    expect(report.items).toMatchObject({ inserted: 0, updated: 1, unchanged: 1 });
    const after = await db.dataSource.query(`SELECT id, updated_at FROM items ORDER BY id`);
    expect(after[1]).toEqual(before[1]);
    expect(after[0].updated_at.getTime()).toBeGreaterThan(before[0].updated_at.getTime());
  });
});

describe('bulk import of lines the database would refuse', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db.close());

  const LONE = 'is not well-formed Unicode (an unpaired UTF-16 surrogate)';
  const count = async (sql: string): Promise<number> => (await db.dataSource.query(sql))[0].n;

  it('rejects unpaired surrogates, times out of range and future times with reasons, and imports the rest of the batch', async () => {
    // Written as the JSON escapes of the audit: JSON.parse turns them into lone surrogates.
    const items = jsonlFile([
      { id: 'g1', title: 'Good one' },
      '{"id":"s1","title":"bad \\ud800 title"}',
      { id: 'g2', title: 'Good two 💄', categories: ['Make-up'] },
      '{"id":"s2","title":"Fine","attributes":{"\\udc00colour":"red"}}',
      '{"id":"s3","title":"Fine","tags":["ok","\\ud83d"]}',
      { id: 's4', title: 'Too dear', price: 9_999_999_999.995 },
    ]);
    const recent = daysAgo(0);
    const interactions = jsonlFile([
      { userId: 'v1', itemId: 'g1', kind: 'VIEW', occurredAt: '2026-10-01T00:00:00Z' },
      '{"userId":"v\\udfff2","itemId":"g1","kind":"VIEW","occurredAt":"2026-10-01T00:00:00Z"}',
      { userId: 'v1', itemId: 'g2', kind: 'PURCHASE', occurredAt: -8_640_000_000_000_000 },
      { userId: 'v1', itemId: 'g2', kind: 'PURCHASE', occurredAt: daysAgo(-1) },
      '{"userId":"v1","kind":"SEARCH","query":"lipstick \\ud800","occurredAt":"2026-10-01T00:00:00Z"}',
      { userId: 'v1', itemId: 'g2', kind: 'ADD_TO_CART', occurredAt: recent },
      // The first and the last instant before it that a timestamptz holds.
      { userId: 'v3', itemId: 'g1', kind: 'VIEW', occurredAt: '-004713-11-24T00:00:00Z' },
      { userId: 'v3', itemId: 'g1', kind: 'VIEW', occurredAt: '-004713-11-23T23:59:59.999Z' },
    ]);
    // One batch for the whole file: the bad lines must not take the good ones down with them.
    const report = await importFiles(db.dataSource, { items, interactions, ...settings });
    expect(report.items).toEqual({ read: 6, inserted: 2, updated: 0, unchanged: 0, rejected: 4 });
    expect(report.interactions).toMatchObject({
      read: 8,
      inserted: 3,
      alreadyPresent: 0,
      rejected: 5,
      usersRebuilt: 2,
    });
    expect(report.rejections.map((r) => `${r.line}: ${r.reason}`)).toEqual([
      `2: title: ${LONE}`,
      `4: attributes: key "\\udc00colour" ${LONE}`,
      `5: tags.1: ${LONE}`,
      '6: price: price must be a non-negative number below 10000000000',
      `2: userId: ${LONE}`,
      '3: occurredAt: before 4714-11-24 BC, the earliest time PostgreSQL stores',
      `4: occurredAt: in the future (more than ${FUTURE_SKEW_MS / 60_000} minutes ahead of this clock)`,
      `5: query: ${LONE}`,
      '8: occurredAt: before 4714-11-24 BC, the earliest time PostgreSQL stores',
    ]);
    expect(await db.dataSource.query(`SELECT id, title FROM items ORDER BY id`)).toEqual([
      { id: 'g1', title: 'Good one' },
      { id: 'g2', title: 'Good two 💄' },
    ]);
    // Not stored with U+FFFD in place of the surrogate either.
    expect(await db.dataSource.query(`SELECT id FROM users ORDER BY id`)).toEqual([{ id: 'v1' }, { id: 'v3' }]);
    const events = await db.dataSource.query(
      `SELECT user_id, kind, occurred_at FROM interactions ORDER BY occurred_at`,
    );
    expect(events.map((e: any) => `${e.user_id} ${e.kind} ${e.occurred_at.toISOString()}`)).toEqual([
      'v3 VIEW -004713-11-24T00:00:00.000Z',
      'v1 VIEW 2026-10-01T00:00:00.000Z',
      `v1 ADD_TO_CART ${recent}`,
    ]);
  });

  describe('when the database refuses a batch that validation let through', () => {
    const refusals = () => {
      const refused: string[] = [];
      return { refused, refuse: (line: number, reason: string) => void refused.push(`${line}: ${reason}`) };
    };

    it('writes the items row by row: the good ones are imported, each bad one refused with the database message', async () => {
      const { refused, refuse } = refusals();
      db.resetQueries();
      // Rows as validation would never pass them: jsonb refuses a lone surrogate, numeric(12, 2) a price of 10^10.
      const rows = [
        item('w1'),
        item('w2', { title: 'bad \ud800 title' }),
        item('w3', { price: 9_999_999_999.999 }),
        item('w4'),
      ];
      const written = await writeBatch(
        db.dataSource,
        rows.map((row, i) => ({ line: i + 1, row })),
        writeItems,
        refuse,
      );
      expect(written).toEqual([
        { inserted: ['w1'], updated: [], rows: 1 },
        { inserted: ['w4'], updated: [], rows: 1 },
      ]);
      expect(refused).toEqual([
        '2: the database refused it: invalid input syntax for type json (SQLSTATE 22P02)',
        '3: the database refused it: numeric field overflow (SQLSTATE 22003)',
      ]);
      expect(await count(`SELECT count(*)::int AS n FROM items WHERE id LIKE 'w%'`)).toBe(2);
      // The batch once, then each row once.
      expect(db.queries.filter((q) => q.includes('INSERT INTO items')).length).toBe(5);
    });

    it('keeps the fast path one statement per batch', async () => {
      const { refused, refuse } = refusals();
      db.resetQueries();
      const rows = [item('f1'), item('f2'), item('f3')];
      const written = await writeBatch(
        db.dataSource,
        rows.map((row, i) => ({ line: i + 1, row })),
        writeItems,
        refuse,
      );
      expect(written).toEqual([{ inserted: ['f1', 'f2', 'f3'], updated: [], rows: 3 }]);
      expect(refused).toEqual([]);
      expect(db.queries.filter((q) => q.includes('INSERT INTO items')).length).toBe(1);
    });

    it('writes the interactions row by row: the good ones are imported, each bad one refused with the database message', async () => {
      await insertItems(db.dataSource, [item('k1')]);
      const { refused, refuse } = refusals();
      const event = (userId: string, overrides: Partial<NewInteraction> = {}): NewInteraction => ({
        userId,
        itemId: 'k1',
        kind: 'VIEW',
        query: null,
        occurredAt: new Date('2026-10-05T00:00:00Z'),
        idempotencyKey: `k:${userId}`,
        counted: true,
        ...overrides,
      });
      // Rows as validation would never pass them: a time before timestamptz's range, and a VIEW of no item (the table's CHECK).
      const rows = [
        event('x1'),
        event('x2', { occurredAt: new Date(-8_640_000_000_000_000) }),
        event('x3', { itemId: null }),
        event('x4'),
      ];
      const written = await writeBatch(
        db.dataSource,
        rows.map((row, i) => ({ line: i + 10, row })),
        writeInteractions,
        refuse,
      );
      expect(written).toEqual([
        { inserted: 1, users: ['x1'], rows: 1 },
        { inserted: 1, users: ['x4'], rows: 1 },
      ]);
      expect(refused).toEqual([
        '11: the database refused it: timestamp out of range: "271822-04-20T00:00:00.000+00:00 BC" (SQLSTATE 22008)',
        '12: the database refused it: new row for relation "interactions" violates check constraint "interactions_check" (SQLSTATE 23514)',
      ]);
      // A refused row's user went with its savepoint.
      expect(await db.dataSource.query(`SELECT id FROM users WHERE id LIKE 'x%' ORDER BY id`)).toEqual([
        { id: 'x1' },
        { id: 'x4' },
      ]);
    });

    it('stops the import on an error that is not about one row, saying where', async () => {
      await insertItems(db.dataSource, [item('m1')]);
      const interactions = jsonlFile([
        { userId: 'y1', itemId: 'm1', kind: 'VIEW', occurredAt: '2026-10-01T00:00:00Z' },
        { userId: 'y2', itemId: 'm1', kind: 'VIEW', occurredAt: '2026-10-01T00:00:00Z' },
      ]);
      const { refused, refuse } = refusals();
      // A missing table fails every row alike: retrying row by row would only hide it.
      await db.dataSource.query(`ALTER TABLE interactions RENAME TO interactions_away`);
      try {
        await expect(importFiles(db.dataSource, { interactions, ...settings })).rejects.toThrow(
          /^import stopped: lines 1-2 of .*data\.jsonl could not be written, and no later ones were: relation "interactions" does not exist \(SQLSTATE 42P01\)$/,
        );
        const rows = [
          {
            line: 1,
            row: {
              userId: 'y1',
              itemId: 'm1',
              kind: 'VIEW',
              query: null,
              occurredAt: new Date(),
              idempotencyKey: 'y',
              counted: true,
            } as NewInteraction,
          },
        ];
        await expect(writeBatch(db.dataSource, rows, writeInteractions, refuse)).rejects.toMatchObject({
          code: '42P01',
        });
        expect(refused).toEqual([]);
      } finally {
        await db.dataSource.query(`ALTER TABLE interactions_away RENAME TO interactions`);
      }
      expect(await count(`SELECT count(*)::int AS n FROM users WHERE id LIKE 'y%'`)).toBe(0);
    });
  });
});
