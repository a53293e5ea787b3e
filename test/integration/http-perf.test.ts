/**
 * What the request-path speed-ups must not change: the hand-written reads decode rows exactly as
 * TypeORM's entities did, a profile read still honours consent, and every GraphQL answer is still
 * marked "no-store" now that Apollo's cache-control plugin is off.
 */
import { In } from 'typeorm';
import { ItemEntity, UserEntity } from '../../src/db/entities';
import { findItemsByIds } from '../../src/db/repositories/items';
import { findProfiles, findUsersByIds } from '../../src/db/repositories/users';
import { createTestApp, TestApp } from '../support/app';
import { createTestDatabase, TestDatabase } from '../support/db';
import { insertItems, insertProfiles, insertUsers, item } from '../support/factories';

describe('the request path after the speed-ups', () => {
  let db: TestDatabase;
  let app: TestApp;

  beforeAll(async () => {
    db = await createTestDatabase();
    await insertItems(db.dataSource, [
      item('priced', {
        title: 'Priced',
        price: 12.99,
        categories: ['A "quoted", {odd} one', 'B'],
        tags: ['x', 'y\\z'],
        brand: 'Brand',
      }),
      item('free', { title: 'Free', price: null, categories: [], tags: [], brand: null }),
    ]);
    await insertUsers(db.dataSource, ['fan', 'new']);
    await insertUsers(db.dataSource, ['quiet'], { consent: false });
    await insertProfiles(db.dataSource, {
      fan: {
        refTime: '2026-01-02T03:04:05.678Z',
        weights: [
          ['astronomy', 0.1],
          ['2024', 1e-300],
          ['__proto__', 2.5],
        ],
      },
      quiet: { refTime: '2026-01-02T03:04:05Z', weights: [['secret', 1]] },
    });
    app = await createTestApp(db);
  });
  afterAll(async () => {
    await app.close();
    await db.close();
  });

  it('decodes items and users as the TypeORM repositories do', async () => {
    const byId = <T extends { id: string }>(rows: T[]) => new Map(rows.map((r) => [r.id, { ...r }]));
    const items = byId(await findItemsByIds(db.dataSource, ['priced', 'free', 'missing']));
    const viaOrm = byId(await db.dataSource.getRepository(ItemEntity).findBy({ id: In(['priced', 'free']) }));
    expect(items).toEqual(viaOrm);
    expect(items.get('priced')!.price).toBe(12.99);
    expect(items.get('priced')!.updatedAt).toBeInstanceOf(Date);

    const users = byId(await findUsersByIds(db.dataSource, ['fan', 'quiet', 'new', 'nobody']));
    expect(users).toEqual(
      byId(await db.dataSource.getRepository(UserEntity).findBy({ id: In(['fan', 'quiet', 'new']) })),
    );
  });

  it('reads a profile in one row: every weight exactly, nothing for a user who opted out', async () => {
    const profiles = await findProfiles(db.dataSource, ['fan', 'quiet', 'new', 'nobody']);
    expect(profiles.get('fan')).toEqual({
      weights: new Map([
        ['astronomy', 0.1],
        ['2024', 1e-300],
        ['__proto__', 2.5],
      ]),
      refMs: Date.parse('2026-01-02T03:04:05.678Z'),
      rejected: new Set(),
      impressions: new Map(),
    });
    expect(profiles.get('quiet')).toEqual({
      weights: new Map(),
      refMs: Date.parse('2026-01-02T03:04:05Z'),
      rejected: new Set(),
      impressions: new Map(),
    });
    expect(profiles.get('new')).toEqual({
      weights: new Map(),
      refMs: -Infinity,
      rejected: new Set(),
      impressions: new Map(),
    });
    expect(profiles.get('nobody')).toEqual({
      weights: new Map(),
      refMs: -Infinity,
      rejected: new Set(),
      impressions: new Map(),
    });
  });

  it('answers over HTTP with Cache-Control: no-store', async () => {
    const url = await app.listen();
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ item(id: "priced") { id title } }' }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.json()).toEqual({ data: { item: { id: 'priced', title: 'Priced' } } });
  });
});
