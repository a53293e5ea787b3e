/**
 * The API and the importer validate an interaction with one rule set (domain/interaction.ts):
 * the same event gets the same answer, in the same words, from both doors.
 */
import { importFiles } from '../../src/ingest/import';
import { createTestApp, TestApp } from '../support/app';
import { clock, daysAgo } from '../support/config';
import { createTestDatabase, TestDatabase } from '../support/db';
import { RECORD_INTERACTION } from '../support/documents';
import { insertItems, item, jsonlFile } from '../support/factories';

describe('both doors into the interaction log', () => {
  let db: TestDatabase;
  let app: TestApp;
  beforeAll(async () => {
    db = await createTestDatabase();
    await insertItems(db.dataSource, [item('m1', { tags: ['astronomy'] })]);
    app = await createTestApp(db);
  });
  afterAll(async () => {
    await app.close();
    await db.close();
  });

  const at = daysAgo(2);
  const cases: [string, Record<string, unknown>, string][] = [
    ['a query on a VIEW', { userId: 'd1', itemId: 'm1', kind: 'VIEW', query: 'telescopes' }, 'query'],
    ['a SEARCH without a query', { userId: 'd1', kind: 'SEARCH', query: '   ' }, 'query'],
    ['a PURCHASE without an item', { userId: 'd1', kind: 'PURCHASE' }, 'itemId'],
    ['a blank user id', { userId: '  ', itemId: 'm1', kind: 'VIEW' }, 'userId'],
    ['a query too long', { userId: 'd1', kind: 'SEARCH', query: 'x'.repeat(501) }, 'query'],
    ['a NUL character', { userId: 'd\u00001', itemId: 'm1', kind: 'VIEW' }, 'userId'],
    ['a time in the future', { userId: 'd1', itemId: 'm1', kind: 'VIEW', occurredAt: daysAgo(-1) }, 'occurredAt'],
  ];

  it.each(cases)('refuses %s with the same reason through the API and the importer', async (_, event, argument) => {
    const line = { occurredAt: at, ...event };
    const api = await app.run(RECORD_INTERACTION, { input: line });
    expect(api.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentName: argument });
    const report = await importFiles(db.dataSource, {
      interactions: jsonlFile([line]),
      profile: { halfLifeMs: 30 * 86_400_000, dedupeWindowMs: 600_000 },
      clock,
    });
    expect(report.interactions.rejected).toBe(1);
    expect(report.rejections[0].reason).toBe(api.errors?.[0].message);
  });

  it('records the same valid event through both', async () => {
    const line = { userId: 'd2', kind: 'SEARCH', query: ' astronomy ', occurredAt: at };
    const api = await app.run(RECORD_INTERACTION, { input: line });
    expect(api.errors).toBeUndefined();
    const report = await importFiles(db.dataSource, {
      interactions: jsonlFile([{ ...line, userId: 'd3' }]),
      profile: { halfLifeMs: 30 * 86_400_000, dedupeWindowMs: 600_000 },
      clock,
    });
    expect(report.interactions).toMatchObject({ inserted: 1, rejected: 0 });
    const rows = await db.dataSource.query(
      `SELECT user_id, kind, query FROM interactions WHERE user_id IN ('d2', 'd3') ORDER BY user_id`,
    );
    expect(rows).toEqual([
      { user_id: 'd2', kind: 'SEARCH', query: 'astronomy' },
      { user_id: 'd3', kind: 'SEARCH', query: 'astronomy' },
    ]);
  });
});
