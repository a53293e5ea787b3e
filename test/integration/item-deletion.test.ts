/**
 * An item that people viewed, carted or bought can leave the catalogue: the log keeps its id
 * (history is not rewritten), derived data drops it, and everything that reads the log keeps
 * working: live events, the co-occurrence rebuild (which must agree with the live path), the
 * popular fallback and forgetUser.
 */
import { DEFAULT_COLLAB } from '../../src/personalisation/collab';
import { rebuildCoOccurrence } from '../../src/db/repositories/pairs';
import { createTestApp, TestApp } from '../support/app';
import { daysAgo } from '../support/config';
import { createTestDatabase, TestDatabase } from '../support/db';
import { insertItems, insertUsers, item } from '../support/factories';
import { RECORD_INTERACTION as RECORD } from '../support/documents';

describe('deleting an item that has a history', () => {
  let db: TestDatabase;
  let app: TestApp;

  const pairs = async () =>
    (await db.dataSource.query(`SELECT item_a || '>' || item_b || '=' || weight AS p FROM item_pairs ORDER BY 1`)).map(
      (r: { p: string }) => r.p,
    );
  const pairUsers = async () =>
    (await db.dataSource.query(`SELECT item_id || '=' || users AS u FROM item_pair_users ORDER BY 1`)).map(
      (r: { u: string }) => r.u,
    );
  const record = (userId: string, itemId: string, kind: string, occurredAt: string) =>
    app.run(RECORD, { input: { userId, itemId, kind, occurredAt } });

  /** Hours into a day three days ago: u1's and u2's histories are hours apart. */
  const hour = (h: number) => daysAgo(3, h * 3_600_000);

  beforeAll(async () => {
    db = await createTestDatabase();
    await insertItems(
      db.dataSource,
      ['a', 'b', 'c', 'd'].map((id) =>
        item(id, {
          title: `Item ${id}`,
          tags: ['astronomy', id === 'b' ? 'telescopes' : 'physics'],
          categories: ['Science'],
        }),
      ),
    );
    app = await createTestApp(db);
    for (const [user, id, kind, at] of [
      ['u1', 'a', 'PURCHASE', hour(0)],
      ['u1', 'b', 'VIEW', hour(1)],
      ['u1', 'c', 'VIEW', hour(2)],
      ['u2', 'b', 'ADD_TO_CART', hour(0)],
      ['u2', 'a', 'VIEW', hour(1)],
    ]) {
      expect((await record(user, id, kind, at)).errors).toBeUndefined();
    }
  });
  afterAll(async () => {
    await app?.close();
    await db?.close();
  });

  it('deletes the item, keeps the events that name it, and drops its derived pairs', async () => {
    expect(await pairs()).toContain('a>b=1.5');
    expect((await app.run(`{ item(id: "b") { title } }`)).data!.item).toEqual({ title: 'Item b' });
    await db.dataSource.query(`DELETE FROM items WHERE id = 'b'`);
    // The process learns of the deletion at its next poll (the tombstone), as every process does.
    expect(await app.services.catalogue.refresh()).toBe(1);
    expect(app.services.catalogue.engine.has('b')).toBe(false);
    expect((await app.run(`{ item(id: "b") { title } }`)).data!.item).toBeNull();
    const [{ n }] = await db.dataSource.query(`SELECT count(*)::int AS n FROM interactions WHERE item_id = 'b'`);
    expect(n).toBe(2);
    expect((await pairs()).filter((p: string) => p.includes('b'))).toEqual([]);
    expect((await pairUsers()).filter((u: string) => u.startsWith('b'))).toEqual([]);
    // The event still reads back, with no item to show.
    const history = await db.dataSource.query(
      `SELECT id::text FROM interactions WHERE item_id = 'b' AND user_id = 'u1'`,
    );
    expect(history).toHaveLength(1);
  });

  it('refuses a new event for the deleted item, and records nothing', async () => {
    const res = await record('u3', 'b', 'VIEW', daysAgo(2));
    expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const [{ n }] = await db.dataSource.query(`SELECT count(*)::int AS n FROM interactions WHERE user_id = 'u3'`);
    expect(n).toBe(0);
  });

  it('folds a live event into co-occurrence exactly as a rebuild from the log does', async () => {
    // u1's history is a, (b), c: d comes after all three, b's slot still counts but has no pair.
    expect((await record('u1', 'd', 'VIEW', hour(3))).errors).toBeUndefined();
    const live = { pairs: await pairs(), users: await pairUsers() };
    expect(live.pairs).toEqual(expect.arrayContaining(['a>d=1', 'c>d=1', 'd>a=0.5', 'd>c=0.5']));
    expect(live.pairs.filter((p: string) => p.includes('b'))).toEqual([]);
    await rebuildCoOccurrence(db.dataSource, DEFAULT_COLLAB);
    expect({ pairs: await pairs(), users: await pairUsers() }).toEqual(live);
  });

  it('serves recommendations, the popular fallback and HYBRID without the deleted item', async () => {
    await insertUsers(db.dataSource, ['nobody-yet']);
    const res = await app.run(`{
      known: user(id: "u2") { recommendations(similarity: HYBRID, excludeInteracted: false) { item { id } } }
      fresh: user(id: "nobody-yet") { recommendations { strategy item { id } } }
    }`);
    expect(res.errors).toBeUndefined();
    const ids = [...res.data!.known.recommendations, ...res.data!.fresh.recommendations].map(
      (r: { item: { id: string } }) => r.item.id,
    );
    expect(ids.length).toBeGreaterThan(0);
    expect(ids).not.toContain('b');
    expect(res.data!.fresh.recommendations[0].strategy).toBe('POPULAR');
  });

  it('forgets a user whose history names the deleted item, leaving exactly what the others built', async () => {
    const res = await app.run(`mutation { forgetUser(userId: "u1") { forgotten interactionsDeleted } }`, {}, 'u1');
    expect(res.data!.forgetUser).toEqual({ forgotten: true, interactionsDeleted: 4 });
    const afterForget = { pairs: await pairs(), users: await pairUsers() };
    await rebuildCoOccurrence(db.dataSource, DEFAULT_COLLAB);
    expect({ pairs: await pairs(), users: await pairUsers() }).toEqual(afterForget);
  });
});
