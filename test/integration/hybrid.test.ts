/**
 * HYBRID end to end on the shipped sample and a real Postgres: the co-occurrence tables hold
 * exactly what the pure definition says (after import, after live events, after forgetUser),
 * and the API ranks exactly as hybridRank over those numbers, with reasons a person can read.
 */
import { daysAgo, testConfig } from '../support/config';
import { prunePairChanges } from '../../src/db/repositories/pair-feed';
import { findItemNeighbours, findUserCoSignals, rebuildCoOccurrence } from '../../src/db/repositories/pairs';
import { findUserCoHistories } from '../../src/db/repositories/users';
import { seedSample } from '../../src/ingest/seed';
import { createLogger } from '../../src/logger';
import { CoOccurrence, DEFAULT_COLLAB, itemCollab, userCollab } from '../../src/personalisation/collab';
import { hybridRank } from '../../src/personalisation/hybrid';
import { createTestApp, TestApp } from '../support/app';
import { createTestDatabase, TestDatabase } from '../support/db';
import { insertUsers } from '../support/factories';
import { RECORD_COUNTED as RECORD } from '../support/documents';

const HYBRID = `query ($u: ID!, $f: Int) { user(id: $u) { recommendations(similarity: HYBRID, first: $f) {
  score strategy item { id title } reasons { term weight } boughtTogether { item { id title } weight } } } }`;

type Tables = { pairs: Map<string, number>; users: Map<string, number> };

describe('HYBRID: content blended with co-occurrence kept in Postgres', () => {
  let db: TestDatabase;
  let app: TestApp;
  let other: TestApp;

  const tables = async (): Promise<Tables> => {
    const pairs = await db.dataSource.query(`SELECT item_a, item_b, weight FROM item_pairs`);
    const users = await db.dataSource.query(`SELECT item_id, users FROM item_pair_users`);
    return {
      pairs: new Map(
        pairs.map((p: { item_a: string; item_b: string; weight: number }) => [`${p.item_a} > ${p.item_b}`, p.weight]),
      ),
      users: new Map(users.map((u: { item_id: string; users: number }) => [u.item_id, u.users])),
    };
  };

  /** The definition, in memory, from the histories in the log (first appearance, time then log order). */
  const fromLog = async (): Promise<CoOccurrence> => {
    const rows: { user_id: string; item_id: string }[] = await db.dataSource.query(
      `SELECT user_id, item_id FROM interactions WHERE counted AND item_id IS NOT NULL AND kind <> 'SEARCH'
        GROUP BY user_id, item_id ORDER BY user_id, min(occurred_at), min(id)`,
    );
    const co = new CoOccurrence();
    const byUser = new Map<string, string[]>();
    for (const r of rows) byUser.set(r.user_id, [...(byUser.get(r.user_id) ?? []), r.item_id]);
    for (const history of byUser.values()) co.addHistory(history);
    return co;
  };

  const asTables = (co: CoOccurrence, itemIds: string[]): Tables => {
    const pairs = new Map<string, number>();
    const users = new Map<string, number>();
    for (const a of itemIds) {
      if (co.usersOf(a) > 0) users.set(a, co.usersOf(a));
      for (const b of itemIds) if (co.weight(a, b) > 0) pairs.set(`${a} > ${b}`, co.weight(a, b));
    }
    return { pairs, users };
  };

  let itemIds: string[];

  beforeAll(async () => {
    db = await createTestDatabase();
    await seedSample(db.dataSource, testConfig({ DATABASE_URL: db.url }), createLogger('silent'));
    itemIds = (await db.dataSource.query(`SELECT id FROM items`)).map((r: { id: string }) => r.id);
    app = await createTestApp(db);
    other = await createTestApp(db);
  });
  afterAll(async () => {
    await app?.close();
    await other?.close();
    await db?.close();
  });

  it('the import builds exactly the co-occurrence the definition gives for the logged histories', async () => {
    const stored = await tables();
    expect(stored.pairs.size).toBeGreaterThan(100);
    expect(stored).toEqual(asTables(await fromLog(), itemIds));
  });

  it('live events fold in exactly as a rebuild from the log would, and forgetUser takes them back out', async () => {
    const before = await tables();
    const [a, b, c] = (
      await db.dataSource.query(`SELECT item_id FROM item_pair_users ORDER BY users DESC, item_id LIMIT 3`)
    ).map((r: { item_id: string }) => r.item_id);
    let t = Date.parse(daysAgo(10));
    for (const [item, kind] of [
      [a, 'VIEW'],
      [b, 'PURCHASE'],
      [a, 'PURCHASE'],
      [c, 'ADD_TO_CART'],
    ]) {
      const res = await other.run(RECORD, {
        input: { userId: 'hybrid-live', itemId: item, kind, occurredAt: new Date((t += 3_600_000)).toISOString() },
      });
      expect(res.errors).toBeUndefined();
    }
    const live = await tables();
    // a then b: w(a > b) += 1 and w(b > a) += 0.5; a again adds nothing; c pairs with b and a.
    expect(live.pairs.get(`${a} > ${b}`)! - (before.pairs.get(`${a} > ${b}`) ?? 0)).toBe(1);
    expect(live.pairs.get(`${b} > ${a}`)! - (before.pairs.get(`${b} > ${a}`) ?? 0)).toBe(0.5);
    expect(live.pairs.get(`${a} > ${c}`)! - (before.pairs.get(`${a} > ${c}`) ?? 0)).toBe(1);
    expect(live.users.get(a)! - before.users.get(a)!).toBe(1);
    expect(live).toEqual(asTables(await fromLog(), itemIds));
    await rebuildCoOccurrence(db.dataSource, DEFAULT_COLLAB);
    expect(await tables()).toEqual(live);

    const forgot = await app.run(`mutation { forgetUser(userId: "hybrid-live") { forgotten } }`);
    expect(forgot.errors).toBeUndefined();
    expect(await tables()).toEqual(before);
  });

  /** What a process holds once it has caught up with the feed, beside what the per-request read gives. */
  const heldAndRead = async (process: TestApp) => {
    const { personalisation, coOccurrence } = process.services;
    await coOccurrence.ensure(await personalisation.pairFeed());
    const read = await findItemNeighbours(db.dataSource, itemIds, DEFAULT_COLLAB.neighbours);
    return { held: itemIds.map((id) => coOccurrence.neighboursOf(id)), read: itemIds.map((id) => read.get(id)) };
  };

  it('each process holds exactly the strongest pairs the per-request read gives, through live events, rebuilds and forgetUser', async () => {
    const [a, b] = (
      await db.dataSource.query(`SELECT item_id FROM item_pair_users ORDER BY users, item_id LIMIT 2`)
    ).map((r: { item_id: string }) => r.item_id);
    for (const item of [a, b, itemIds[0]]) {
      await other.run(RECORD, { input: { userId: 'hybrid-held', itemId: item, kind: 'PURCHASE' } });
    }
    for (const process of [app, other]) {
      const { held, read } = await heldAndRead(process);
      expect(held).toEqual(read);
    }
    // The recent items read with the user are the history the per-request read used.
    const users = ['hybrid-held', 'sim-user-001', 'sim-user-002', 'nobody'];
    const reference = await findUserCoSignals(db.dataSource, users, DEFAULT_COLLAB.historyLength, 1);
    const recent = await findUserCoHistories(db.dataSource, users, DEFAULT_COLLAB.historyLength, 0);
    for (const u of users) expect(recent.get(u)!.history).toEqual(reference.get(u)!.history);
    expect(recent.get('hybrid-held')!.history).toHaveLength(3);
    await app.run(`mutation { forgetUser(userId: "hybrid-held") { forgotten } }`);
    await rebuildCoOccurrence(db.dataSource, DEFAULT_COLLAB);
    const { held, read } = await heldAndRead(other);
    expect(held).toEqual(read);
  });

  it('a feed row that commits below one already seen still counts at the next request', async () => {
    const slow = db.dataSource.createQueryRunner();
    await slow.connect();
    await slow.startTransaction();
    // Takes a feed number now and commits after a later number is seen.
    await slow.query(`INSERT INTO item_pair_changes (item_id) VALUES ($1)`, [itemIds[1]]);
    await db.dataSource.query(`INSERT INTO item_pair_changes (item_id) VALUES ($1)`, [itemIds[2]]);
    const { coOccurrence, personalisation } = app.services;
    await coOccurrence.ensure(await personalisation.pairFeed());
    const low = coOccurrence.low();
    await slow.query(`UPDATE item_pairs SET weight = weight + 100 WHERE item_a = $1`, [itemIds[1]]);
    await slow.commitTransaction();
    await slow.release();
    const state = await personalisation.pairFeed();
    expect(state).toEqual({ low, count: 2 });
    const { held, read } = await heldAndRead(app);
    expect(held).toEqual(read);
    await db.dataSource.query(`UPDATE item_pairs SET weight = weight - 100 WHERE item_a = $1`, [itemIds[1]]);
    await db.dataSource.query(`INSERT INTO item_pair_changes (item_id) VALUES ($1)`, [itemIds[1]]);
  });

  it('after the feed is pruned, a process that had fallen behind reads every list again; one that kept up reads nothing', async () => {
    const caughtUp = async (t: TestApp) => t.services.coOccurrence.ensure(await t.services.personalisation.pairFeed());
    await caughtUp(app);
    await caughtUp(other);
    // A change that app follows and other, idle, does not; then the feed is pruned under other.
    await db.dataSource.query(`UPDATE item_pairs SET weight = weight + 50 WHERE item_a = $1`, [itemIds[3]]);
    await db.dataSource.query(`INSERT INTO item_pair_changes (item_id) VALUES ($1)`, [itemIds[3]]);
    await caughtUp(app);
    expect(await prunePairChanges(db.dataSource, 0)).toBeGreaterThan(0);
    expect(await db.dataSource.query(`SELECT seq FROM item_pair_changes`)).toEqual([]);
    // The pruned row is not there to count, but the floor above other's watermark is.
    const behind = await other.services.personalisation.pairFeed();
    expect(behind.count).toBe(1);
    await other.services.coOccurrence.ensure(behind);
    expect(await other.services.personalisation.pairFeed()).toMatchObject({ count: 0 });
    const ahead = await app.services.personalisation.pairFeed();
    expect(ahead.count).toBe(0);
    for (const process of [app, other]) {
      const { held, read } = await heldAndRead(process);
      expect(held).toEqual(read);
    }
    await db.dataSource.query(`UPDATE item_pairs SET weight = weight - 50 WHERE item_a = $1`, [itemIds[3]]);
    await db.dataSource.query(`INSERT INTO item_pair_changes (item_id) VALUES ($1)`, [itemIds[3]]);
  });

  it('ranks exactly as hybridRank over the stored numbers, explained by shared terms and co-purchases', async () => {
    const [{ user_id: user }] = await db.dataSource.query(
      `SELECT user_id FROM interactions WHERE counted AND item_id IS NOT NULL GROUP BY user_id ORDER BY count(DISTINCT item_id) DESC, user_id LIMIT 1`,
    );
    const res = await app.run(HYBRID, { u: user, f: 10 });
    expect(res.errors).toBeUndefined();
    const recs = res.data!.user.recommendations;
    expect(recs).toHaveLength(10);

    // The same ranking in memory: the engine the service uses, the co-occurrence from the log.
    const co = await fromLog();
    const history: string[] = (
      await db.dataSource.query(
        `SELECT item_id FROM interactions WHERE user_id = $1 AND counted AND item_id IS NOT NULL AND kind <> 'SEARCH'
          GROUP BY item_id ORDER BY max(occurred_at) DESC, max(id) DESC`,
        [user],
      )
    ).map((r: { item_id: string }) => r.item_id);
    const profile = await app.services.db.query(`SELECT term, weight FROM user_interests WHERE user_id = $1`, [user]);
    const expected = hybridRank(
      app.services.catalogue.engine,
      { profile: new Map(profile.map((p: { term: string; weight: number }) => [p.term, p.weight])) },
      userCollab(history, (id) => co.neighbours(id), DEFAULT_COLLAB),
      { alpha: app.config.personalisation.hybridAlpha, k: 10, exclude: new Set(history) },
    );
    expect(recs.map((r: any) => r.item.id)).toEqual(expected.map((e) => e.itemId));
    recs.forEach((r: any, i: number) => expect(r.score).toBeCloseTo(expected[i].score, 9));

    const withEvidence = recs.filter((r: any) => r.boughtTogether.length > 0);
    expect(withEvidence.length).toBeGreaterThan(0);
    for (const r of withEvidence) {
      for (const b of r.boughtTogether) {
        expect(history).toContain(b.item.id);
        expect(r.reasons).toContainEqual({ term: `bought together with “${b.item.title}”`, weight: b.weight });
      }
      // Every reason adds to the score; together they never exceed it.
      const total = r.reasons.reduce((s: number, x: { weight: number }) => s + x.weight, 0);
      expect(total).toBeLessThanOrEqual(r.score + 1e-9);
      expect([...r.reasons].sort((x: any, y: any) => y.weight - x.weight)).toEqual(r.reasons);
    }
  });

  it('types each reason, so a client tells a shared term from a co-purchase without reading the label', async () => {
    const [{ user_id: user }] = await db.dataSource.query(
      `SELECT user_id FROM interactions WHERE counted AND item_id IS NOT NULL GROUP BY user_id ORDER BY count(DISTINCT item_id) DESC, user_id LIMIT 1`,
    );
    const res = await app.run(
      `query ($u: ID!) { user(id: $u) { recommendations(similarity: HYBRID, first: 10) {
        reasons { label weight kind term item { id title } } boughtTogether { item { id title } weight } } } }`,
      { u: user },
    );
    expect(res.errors).toBeUndefined();
    const recs = res.data!.user.recommendations;
    const reasons = recs.flatMap((r: any) => r.reasons);
    expect(reasons.some((r: any) => r.kind === 'TERM')).toBe(true);
    expect(reasons.some((r: any) => r.kind === 'BOUGHT_TOGETHER')).toBe(true);
    for (const r of reasons) {
      // The deprecated `term` is `label`, for every kind.
      expect(r.term).toBe(r.label);
      if (r.kind === 'TERM') expect(r.item).toBeNull();
      else expect(r.label).toBe(`bought together with “${r.item.title}”`);
    }
    for (const rec of recs) {
      const together = rec.reasons
        .filter((r: any) => r.kind === 'BOUGHT_TOGETHER')
        .map((r: any) => ({ item: r.item, weight: r.weight }));
      expect(together).toEqual(expect.arrayContaining(rec.boughtTogether));
      expect(together).toHaveLength(rec.boughtTogether.length);
    }
  });

  it('an event recorded on one process changes HYBRID on another at the next request', async () => {
    const [{ item_id: seed }] = await db.dataSource.query(
      `SELECT item_id FROM item_pair_users ORDER BY users DESC, item_id LIMIT 1`,
    );
    await insertUsers(db.dataSource, ['hybrid-new']);
    const cold = await app.run(HYBRID, { u: 'hybrid-new', f: 5 });
    expect(cold.data!.user.recommendations[0].strategy).toBe('POPULAR');
    await other.run(RECORD, { input: { userId: 'hybrid-new', itemId: seed, kind: 'PURCHASE' } });
    const warm = await app.run(HYBRID, { u: 'hybrid-new', f: 5 });
    const recs = warm.data!.user.recommendations;
    expect(recs[0].strategy).toBe('PERSONALISED');
    expect(recs.some((r: any) => r.boughtTogether.some((b: any) => b.item.id === seed))).toBe(true);
  });

  it("similarItems(HYBRID) blends the item's own pairs with content; an item nobody touched gets content only", async () => {
    const [{ item_id: hot }] = await db.dataSource.query(
      `SELECT item_id FROM item_pair_users ORDER BY users DESC, item_id LIMIT 1`,
    );
    const res = await app.run(
      `query ($i: ID!) { item(id: $i) { similarItems(similarity: HYBRID, first: 10) { score item { id } boughtTogether { item { id } weight } } } }`,
      { i: hot },
    );
    const recs = res.data!.item.similarItems;
    const co = await fromLog();
    const expected = hybridRank(
      app.services.catalogue.engine,
      { itemId: hot },
      itemCollab(hot, co.neighbours(hot), DEFAULT_COLLAB),
      {
        alpha: app.config.personalisation.hybridAlpha,
        k: 10,
      },
    );
    expect(recs.map((r: any) => r.item.id)).toEqual(expected.map((e) => e.itemId));
    expect(recs.some((r: any) => r.boughtTogether[0]?.item.id === hot)).toBe(true);

    const [{ id: cold }] = await db.dataSource.query(
      `SELECT id FROM items WHERE id NOT IN (SELECT item_a FROM item_pairs) AND id NOT IN (SELECT item_b FROM item_pairs) ORDER BY id LIMIT 1`,
    );
    const q = `query ($i: ID!, $s: Similarity) { item(id: $i) { similarItems(similarity: $s, first: 10) { score item { id } boughtTogether { weight } } } }`;
    const hybrid = (await app.run(q, { i: cold, s: 'HYBRID' })).data!.item.similarItems;
    const cosine = (await app.run(q, { i: cold, s: 'COSINE' })).data!.item.similarItems;
    expect(hybrid.map((r: any) => r.item.id)).toEqual(cosine.map((r: any) => r.item.id));
    hybrid.forEach((r: any, i: number) => {
      expect(r.score).toBeCloseTo(app.config.personalisation.hybridAlpha * cosine[i].score, 9);
      expect(r.boughtTogether).toEqual([]);
    });
  });

  it("diversity re-ranks HYBRID's own best candidates", async () => {
    const q = `query ($d: Float, $f: Int) { user(id: "sim-user-001") { recommendations(similarity: HYBRID, first: $f, diversity: $d) { score item { id } } } }`;
    const pool = (await app.run(q, { d: 0, f: 50 })).data!.user.recommendations.map((r: any) => r.item.id);
    const plain = (await app.run(q, { d: 0, f: 5 })).data!.user.recommendations;
    const diverse = (await app.run(q, { d: 0.9, f: 5 })).data!.user.recommendations;
    expect(plain.map((r: any) => r.item.id)).toEqual(pool.slice(0, 5));
    expect(diverse).toHaveLength(5);
    for (const r of diverse) expect(pool).toContain(r.item.id);
    expect(diverse.map((r: any) => r.item.id)).not.toEqual(plain.map((r: any) => r.item.id));
  });

  it('makes the same number of SQL queries for 1 and for 50 HYBRID recommendations', async () => {
    const count = async (first: number) => {
      db.resetQueries();
      const res = await app.run(HYBRID, { u: 'sim-user-001', f: first });
      expect(res.errors).toBeUndefined();
      return db.queries.filter((q) => !/updated_at >=|model_versions/.test(q)).length;
    };
    await count(50); // item rows come from memory after their first read
    const one = await count(1);
    expect(await count(50)).toBe(one);
    // The user, profile, items seen, recent items and the pair feed's count: one statement.
    expect(one).toBe(1);
  });

  // Last: it deletes an item of the sample.
  it('an item deleted from the catalogue leaves every process’s lists, and the next pair takes its place', async () => {
    const [{ item_b: gone }] = await db.dataSource.query(
      `SELECT item_b FROM item_pairs GROUP BY item_b ORDER BY count(*) DESC, item_b LIMIT 1`,
    );
    const named = (t: TestApp) =>
      itemIds.filter((id) => t.services.coOccurrence.neighboursOf(id).some((n) => n.itemId === gone));
    await heldAndRead(other);
    expect(named(other).length).toBeGreaterThan(0);
    await db.dataSource.query(`DELETE FROM items WHERE id = $1`, [gone]);
    itemIds = itemIds.filter((id) => id !== gone);
    for (const process of [app, other]) {
      const { held, read } = await heldAndRead(process);
      expect(held).toEqual(read);
      expect(named(process)).toEqual([]);
      expect(process.services.coOccurrence.neighboursOf(gone)).toEqual([]);
    }
  });
});
