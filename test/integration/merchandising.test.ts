/**
 * Issue 16 through GraphQL on real Postgres: filters inside the exact top-K, NOT_INTERESTED seen
 * by a second process at its next request, impressions that down-rank and an engagement that
 * resets them, trending with a known riser, and rank of 1,000 ids with unknown ones mixed in.
 */
import { createTestApp, TestApp } from '../support/app';
import { createTestDatabase, TestDatabase } from '../support/db';
import { clock, daysAgo } from '../support/config';
import { insertInteractions, insertItems, item } from '../support/factories';
import { RECORD } from '../support/documents';

const RECS = `query ($u: ID!, $s: Similarity, $f: Int, $x: Boolean, $filter: RecommendationFilter) {
  user(id: $u) { recommendations(similarity: $s, first: $f, excludeInteracted: $x, filter: $filter) {
    score strategy item { id categories brand price } } } }`;
const IMPRESSIONS = `mutation ($u: ID!, $ids: [ID!]!) { recordImpressions(userId: $u, itemIds: $ids) { recorded } }`;

type Rec = {
  score: number;
  strategy: string;
  item: { id: string; categories: string[]; brand: string; price: number };
};

// 1,000 items: 10 'Rare' ones (1%), a tenth 'Tenth', half 'Half'; tags drawn so scores differ.
const N = 1000;
const id = (i: number) => `it-${String(i).padStart(4, '0')}`;
const TAGS = ['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta', 'eta', 'theta'];
function fixture(i: number) {
  const categories = [i % 100 === 7 ? 'Rare' : i % 10 === 3 ? 'Tenth' : i % 2 === 0 ? 'Half' : 'Other'];
  const tags = TAGS.filter((_, t) => (i * (t + 3)) % (t + 2) === 0 || (i + t) % 5 === 0);
  return item(id(i), { categories, tags, brand: `brand-${i % 7}`, price: i % 50 });
}

describe('filters, negative feedback, impressions, trending and rank', () => {
  let db: TestDatabase;
  let app: TestApp;
  let other: TestApp;

  beforeAll(async () => {
    db = await createTestDatabase();
    await insertItems(
      db.dataSource,
      Array.from({ length: N }, (_, i) => fixture(i)),
    );
    const ev = (userId: string, itemId: string, days: number, kind: 'VIEW' | 'PURCHASE' = 'VIEW') => ({
      userId,
      itemId,
      kind,
      occurredAt: daysAgo(days),
    });
    // Trending: it-0500 rises from 2 to 12 events in the last day; it-0501 from 0 to 2 (tiny counts);
    // it-0502 falls; it-0503 bought often long ago (popular, not rising).
    await insertInteractions(db.dataSource, [
      ...Array.from({ length: 12 }, (_, k) => ev(`t${k}`, id(500), 0.5)),
      ...Array.from({ length: 2 }, (_, k) => ev(`t${k}`, id(500), 1.5)),
      ...Array.from({ length: 2 }, (_, k) => ev(`t${k}`, id(501), 0.5)),
      ...Array.from({ length: 8 }, (_, k) => ev(`t${k}`, id(502), 1.5)),
      ...Array.from({ length: 3 }, (_, k) => ev(`t${k}`, id(502), 0.5)),
      ...Array.from({ length: 20 }, (_, k) => ev(`p${k}`, id(503), 10, 'PURCHASE')),
    ]);
    app = await createTestApp(db);
    other = await createTestApp(db);
    for (const i of [1, 2, 5, 10])
      await app.run(RECORD, { input: { userId: 'ann', itemId: id(i), kind: 'PURCHASE', occurredAt: daysAgo(3) } });
  });
  afterAll(async () => {
    await app.close();
    await other.close();
    await db.close();
  });

  /** COSINE of ann's interests and every item's features, from the API: the scores of scoring every item. */
  async function everyScore(): Promise<Map<string, number>> {
    const res = await app.run(`{ user(id: "ann") { interests(first: 100) { term weight } } }`);
    const interests = new Map<string, number>(
      res.data!.user.interests.map((i: { term: string; weight: number }) => [i.term, i.weight]),
    );
    const scores = new Map<string, number>();
    let after: string | null = null;
    for (let page = 0; page < N / 100; page++) {
      const res: { data?: any } = await app.run(
        `query ($after: String) { items(first: 100, after: $after) { pageInfo { endCursor }
           edges { node { id features { term weight } } } } }`,
        { after },
      );
      type Node = { id: string; features: { term: string; weight: number }[] };
      for (const { node } of res.data!.items.edges as { node: Node }[])
        scores.set(
          node.id,
          node.features.reduce((s, f) => s + f.weight * (interests.get(f.term) ?? 0), 0),
        );
      after = res.data!.items.pageInfo.endCursor;
    }
    return scores;
  }

  it('a filter only 1% of items pass still returns `first` exact results: those of scoring every passing item', async () => {
    const scores = await everyScore();
    const passing = [...scores.keys()].filter((k) => fixture(Number(k.slice(3))).categories[0] === 'Rare');
    expect(passing).toHaveLength(10);
    const res = await app.run(RECS, { u: 'ann', f: 10, x: false, filter: { categories: ['rare'] } });
    expect(res.errors).toBeUndefined();
    const recs: Rec[] = res.data!.user.recommendations;
    expect(recs).toHaveLength(10);
    const expected = passing
      .map((k) => ({ k, s: scores.get(k)! }))
      .sort((a, b) => b.s - a.s || (a.k < b.k ? -1 : 1))
      .map((e) => e.k);
    expect(recs.map((r) => r.item.id)).toEqual(expected);
    recs.forEach((r) => expect(r.score).toBeCloseTo(scores.get(r.item.id)!, 9));
  });

  it('filters combine (AND across fields, any-of within one), for every similarity, with prices and excluded ids', async () => {
    const filter = { categories: ['Tenth', 'Rare'], brands: ['BRAND-3', 'brand-4'], priceMin: 10, priceMax: 40 };
    const pass = (r: Rec) =>
      ['Tenth', 'Rare'].includes(r.item.categories[0]) &&
      ['brand-3', 'brand-4'].includes(r.item.brand) &&
      r.item.price >= 10 &&
      r.item.price <= 40;
    for (const s of ['COSINE', 'JACCARD', 'HYBRID']) {
      const res = await app.run(RECS, { u: 'ann', s, f: 8, filter });
      expect(res.errors).toBeUndefined();
      const recs: Rec[] = res.data!.user.recommendations;
      expect(recs).toHaveLength(8);
      expect(recs.every(pass)).toBe(true);
      const firstId = recs[0].item.id;
      const without = await app.run(RECS, { u: 'ann', s, f: 8, filter: { ...filter, excludeIds: [firstId] } });
      expect(without.data!.user.recommendations.map((r: Rec) => r.item.id)).not.toContain(firstId);
    }
    const similar = await app.run(
      `{ item(id: "${id(1)}") { similarItems(first: 5, filter: { categories: ["Rare"] }) { item { id categories } } } }`,
    );
    expect(similar.data!.item.similarItems).toHaveLength(5);
    expect(similar.data!.item.similarItems.every((r: Rec) => r.item.categories[0] === 'Rare')).toBe(true);
  });

  it('POPULAR honours filters too, and still fills `first`', async () => {
    await app.run(`mutation { setPersonalisationConsent(userId: "nobody-yet", enabled: true) { enabled } }`);
    const res = await app.run(RECS, { u: 'nobody-yet', f: 5, filter: { categories: ['Tenth'] } });
    const recs: Rec[] = res.data!.user.recommendations;
    expect(recs).toHaveLength(5);
    expect(recs.every((r) => r.strategy === 'POPULAR' && r.item.categories[0] === 'Tenth')).toBe(true);
    const all = await app.run(RECS, { u: 'nobody-yet', f: 1 });
    expect(all.data!.user.recommendations[0].item.id).toBe(id(503));
  });

  it('bad bounds are BAD_USER_INPUT naming the argument', async () => {
    const bounds = await app.run(RECS, { u: 'ann', filter: { priceMin: 5, priceMax: 1 } });
    expect(bounds.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentName: 'filter' });
    expect(bounds.errors![0].message).toMatch(/priceMin/);
    const many = Array.from({ length: 1001 }, (_, i) => `x${i}`);
    const ids = await app.run(RECS, { u: 'ann', filter: { excludeIds: many } });
    expect(ids.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentName: 'filter' });
    const rank = await app.run(`query ($ids: [ID!]!) { user(id: "ann") { rank(itemIds: $ids) { score } } }`, {
      ids: many,
    });
    expect(rank.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentName: 'itemIds' });
    const shown = await app.run(IMPRESSIONS, { u: 'ann', ids: many.slice(0, 101) });
    expect(shown.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentName: 'itemIds' });
    const undo = await app.run(RECORD, { input: { userId: 'ann', itemId: id(3), kind: 'VIEW', undo: true } });
    expect(undo.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentName: 'undo' });
  });

  it('NOT_INTERESTED: the item is gone on a second process at its next request, stored interests are untouched, and undo brings it back', async () => {
    const before = await other.run(RECS, { u: 'ann', f: 5 });
    const top: string = before.data!.user.recommendations[0].item.id;
    const interestsBefore = await other.run(`{ user(id: "ann") { interests(first: 100) { term weight } } }`);
    await app.run(RECORD, { input: { userId: 'ann', itemId: top, kind: 'NOT_INTERESTED' } });
    const after = await other.run(RECS, { u: 'ann', f: 20, x: false });
    expect(after.data!.user.recommendations.map((r: Rec) => r.item.id)).not.toContain(top);
    const similar = await other.run(
      `query ($ids: [ID!]!) { user(id: "ann") { rank(itemIds: $ids) { item { id } } } }`,
      {
        ids: [top, id(2)],
      },
    );
    expect(similar.data!.user.rank.map((r: Rec) => r.item.id)).toEqual([id(2)]);
    // Interests (stored) are unchanged; the ranking reads them weakened (a term of the item scores less).
    const interestsAfter = await other.run(`{ user(id: "ann") { interests(first: 100) { term weight } } }`);
    expect(interestsAfter.data).toEqual(interestsBefore.data);
    await app.run(RECORD, { input: { userId: 'ann', itemId: top, kind: 'NOT_INTERESTED', undo: true } });
    const undone = await other.run(RECS, { u: 'ann', f: 5 });
    expect(undone.data).toEqual(before.data);
  });

  it('impressions down-rank an item shown often without engagement; an engagement resets them', async () => {
    const before = await app.run(RECS, { u: 'ann', f: 3, x: false });
    const [first, second]: string[] = before.data!.user.recommendations.map((r: Rec) => r.item.id);
    for (let k = 0; k < 6; k++) {
      const shown = await app.run(IMPRESSIONS, { u: 'ann', ids: [first, 'no-such-item'] });
      expect(shown.data!.recordImpressions.recorded).toBe(1);
    }
    const after = await other.run(RECS, { u: 'ann', f: 3, x: false });
    const ids: string[] = after.data!.user.recommendations.map((r: Rec) => r.item.id);
    expect(ids[0]).toBe(second);
    expect(ids).not.toContain(first);
    // Impressions are never interest.
    const interests = await app.run(`{ user(id: "ann") { interests(first: 3) { term } } }`);
    expect(interests.data).toEqual((await other.run(`{ user(id: "ann") { interests(first: 3) { term } } }`)).data);
    await app.run(RECORD, { input: { userId: 'ann', itemId: first, kind: 'VIEW' } });
    const reset = await other.run(RECS, { u: 'ann', f: 3, x: false });
    expect(reset.data!.user.recommendations.map((r: Rec) => r.item.id)).toContain(first);
    const rows = await db.dataSource.query(`SELECT count(*)::int AS n FROM impressions WHERE user_id = 'ann'`);
    expect(rows[0].n).toBe(0);
  });

  it('impressions down-rank with diversity too, before MMR picks, for COSINE and HYBRID', async () => {
    const DIVERSE = `query ($s: Similarity) { user(id: "dee") { recommendations(similarity: $s, first: 5, diversity: 0.5) { score item { id } } } }`;
    for (const i of [11, 12, 15]) await app.run(RECORD, { input: { userId: 'dee', itemId: id(i), kind: 'PURCHASE' } });
    for (const s of ['COSINE', 'HYBRID']) {
      const before = await app.run(DIVERSE, { s });
      const top: string = before.data!.user.recommendations[0].item.id;
      for (let k = 0; k < 8; k++) await app.run(IMPRESSIONS, { u: 'dee', ids: [top] });
      const after = await app.run(DIVERSE, { s });
      expect(after.errors).toBeUndefined();
      const ids: string[] = after.data!.user.recommendations.map((r: Rec) => r.item.id);
      expect(ids).toHaveLength(5);
      expect(ids[0]).not.toBe(top);
    }
  });

  it('trending: the known riser first, tiny counts smoothed away, a falling item absent; score and counts exposed', async () => {
    const res = await app.run(`{ trending(first: 5, window: DAY) { score recentCount previousCount item { id } } }`);
    expect(res.errors).toBeUndefined();
    const list = res.data!.trending;
    expect(list[0]).toEqual({ item: { id: id(500) }, recentCount: 12, previousCount: 2, score: 17 / 7 - 1 });
    expect(list[1].item.id).toBe(id(501));
    expect(list[1].score).toBeCloseTo(7 / 5 - 1, 12);
    expect(list.map((t: { item: { id: string } }) => t.item.id)).not.toContain(id(502));
    const filtered = await app.run(`{ trending(filter: { excludeIds: ["${id(500)}"] }) { item { id } } }`);
    expect(filtered.data!.trending[0].item.id).toBe(id(501));
  });

  it('rank: 1,000 ids with unknown ones mixed in come back known-only, ordered as recommendations order them', async () => {
    const ids = Array.from({ length: 1000 }, (_, k) => (k % 10 === 9 ? `unknown-${k}` : id(k)));
    const res = await app.run(
      `query ($ids: [ID!]!) { user(id: "ann") { rank(itemIds: $ids) { score strategy item { id } } } }`,
      { ids },
    );
    expect(res.errors).toBeUndefined();
    const ranked: Rec[] = res.data!.user.rank;
    expect(ranked).toHaveLength(900);
    expect(new Set(ranked.map((r) => r.item.id))).toEqual(new Set(ids.filter((i) => !i.startsWith('unknown'))));
    for (let k = 1; k < ranked.length; k++) expect(ranked[k - 1].score).toBeGreaterThanOrEqual(ranked[k].score);
    const recs = await app.run(RECS, { u: 'ann', f: 10, x: false });
    const known = new Set(ranked.map((r) => r.item.id));
    const expected = recs
      .data!.user.recommendations.filter((r: Rec) => known.has(r.item.id))
      .map((r: Rec) => r.item.id);
    expect(ranked.slice(0, expected.length).map((r) => r.item.id)).toEqual(expected);
    for (const s of ['JACCARD', 'HYBRID']) {
      const other = await app.run(
        `query ($ids: [ID!]!, $s: Similarity) { user(id: "ann") { rank(itemIds: $ids, similarity: $s) { item { id } } } }`,
        {
          ids,
          s,
        },
      );
      expect(other.data!.user.rank).toHaveLength(900);
    }
  });

  it('rank and recordImpressions cost one statement each (items already in memory)', async () => {
    const ids = Array.from({ length: 100 }, (_, k) => id(k));
    const RANK = `query ($ids: [ID!]!) { user(id: "ann") { rank(itemIds: $ids) { score item { id } } } }`;
    await app.run(RANK, { ids });
    db.resetQueries();
    await app.run(RANK, { ids });
    const own = () => db.queries.filter((q) => !/updated_at >=|model_versions/.test(q));
    expect(own()).toHaveLength(1);
    db.resetQueries();
    await app.run(IMPRESSIONS, { u: 'ann', ids: ids.slice(0, 20) });
    expect(own()).toHaveLength(1);
  });

  it('an imported engagement resets impressions shown before it, not those shown after it', async () => {
    for (let k = 0; k < 3; k++) await app.run(IMPRESSIONS, { u: 'cara', ids: [id(6), id(8)] });
    const later = new Date(clock.now() + 60_000).toISOString();
    await insertInteractions(db.dataSource, [
      { userId: 'cara', itemId: id(6), kind: 'VIEW', occurredAt: later },
      { userId: 'cara', itemId: id(8), kind: 'VIEW', occurredAt: daysAgo(5) },
    ]);
    const rows = await db.dataSource.query(`SELECT item_id, shown FROM impressions WHERE user_id = 'cara'`);
    expect(rows).toEqual([{ item_id: id(8), shown: 3 }]);
  });

  it('forgetUser removes negative feedback and impressions', async () => {
    await app.run(RECORD, { input: { userId: 'bob', itemId: id(4), kind: 'NOT_INTERESTED' } });
    await app.run(IMPRESSIONS, { u: 'bob', ids: [id(5)] });
    await app.run(`mutation { forgetUser(userId: "bob") { forgotten } }`);
    const left = await db.dataSource.query(
      `SELECT (SELECT count(*) FROM interactions WHERE user_id = 'bob')::int AS i, (SELECT count(*) FROM impressions WHERE user_id = 'bob')::int AS m`,
    );
    expect(left[0]).toEqual({ i: 0, m: 0 });
  });
});
