import { announce } from '../../src/db/change-feed';
import { upsertItems } from '../../src/db/repositories/items';
import { createTestApp, TestApp } from '../support/app';
import { createTestDatabase, TestDatabase } from '../support/db';
import { daysAgo } from '../support/config';
import { insertInteractions, insertItems, item } from '../support/factories';
import { RECORD } from '../support/documents';

const RECS = `query ($u: ID!, $s: Similarity, $f: Int, $x: Boolean, $d: Float) {
  user(id: $u) { recommendations(similarity: $s, first: $f, excludeInteracted: $x, diversity: $d) {
    score strategy item { id } reasons { term weight } } } }`;

async function until(check: () => Promise<boolean>, ms = 10_000) {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('interests and recommendations', () => {
  let db: TestDatabase;
  let app: TestApp;
  let other: TestApp;

  beforeAll(async () => {
    db = await createTestDatabase();
    await insertItems(db.dataSource, [
      item('space-1', { brand: 'Pole Star', categories: ['Science'], tags: ['astronomy', 'telescopes', 'space'] }),
      item('space-2', { brand: 'Pole Star', categories: ['Science'], tags: ['astronomy', 'space'] }),
      item('space-3', { brand: 'Orbit', categories: ['Science'], tags: ['space', 'rockets'] }),
      item('space-4', { brand: 'Orbit', categories: ['Science'], tags: ['astronomy', 'telescopes'] }),
      item('physics-1', { brand: 'Orbit', categories: ['Science'], tags: ['physics'] }),
      item('fashion-1', { brand: 'Conde Nast', categories: ['Fashion'], tags: ['fashion', 'beauty'] }),
      item('fashion-2', { brand: 'Conde Nast', categories: ['Fashion'], tags: ['fashion', 'celebrities'] }),
      item('fashion-3', { brand: 'Hearst', categories: ['Fashion'], tags: ['beauty', 'celebrities'] }),
      item('cooking-1', { brand: 'Hearst', categories: ['Food'], tags: ['cooking', 'recipes'] }),
      item('cooking-2', { brand: 'Meredith', categories: ['Food'], tags: ['recipes', 'baking'] }),
    ]);
    // Popularity for cold start: fashion-2 is the most bought recently.
    const t = daysAgo(14);
    const bought = (userId: string, itemId: string, kind: 'PURCHASE' | 'VIEW' = 'PURCHASE') => ({
      userId,
      itemId,
      kind,
      occurredAt: t,
    });
    await insertInteractions(db.dataSource, [
      bought('p1', 'fashion-2'),
      bought('p2', 'fashion-2'),
      bought('p5', 'fashion-2'),
      bought('p3', 'cooking-1'),
      bought('p4', 'space-3', 'VIEW'),
    ]);
    app = await createTestApp(db);
    other = await createTestApp(db);
  });
  afterAll(async () => {
    await app.close();
    await other.close();
    await db.close();
  });

  it("a purchase makes the item's terms the user's top interests", async () => {
    await app.run(RECORD, { input: { userId: 'ann', itemId: 'space-1', kind: 'PURCHASE', occurredAt: daysAgo(20) } });
    await app.run(RECORD, { input: { userId: 'ann', itemId: 'fashion-1', kind: 'VIEW', occurredAt: daysAgo(19) } });
    const res = await app.run(`{ user(id: "ann") { interests(first: 4) { term weight } } }`);
    const terms = res.data!.user.interests.map((i: { term: string }) => i.term);
    // Rarer terms weigh more (IDF): telescope and pole star are on two items, astronomy and space on three.
    expect(terms.slice(0, 3)).toEqual(['pole star', 'telescope', 'astronomy']);
    expect(terms).not.toContain('fashion');
    const all = await app.run(`{ user(id: "ann") { interests(first: 100) { weight } } }`);
    const norm = Math.sqrt(all.data!.user.interests.reduce((s: number, i: { weight: number }) => s + i.weight ** 2, 0));
    expect(norm).toBeCloseTo(1, 10);
  });

  it('COSINE scores are the dot product of the interests and the features the API shows', async () => {
    const res = await app.run(
      `{ user(id: "ann") { interests(first: 100) { term weight }
         recommendations(first: 5) { score strategy item { id features { term weight } } reasons { term weight } } } }`,
    );
    const interests = new Map<string, number>(res.data!.user.interests.map((i: any) => [i.term, i.weight]));
    const recs = res.data!.user.recommendations;
    expect(recs.length).toBeGreaterThan(0);
    for (const r of recs) {
      expect(r.strategy).toBe('PERSONALISED');
      const dot = r.item.features.reduce((s: number, f: any) => s + f.weight * (interests.get(f.term) ?? 0), 0);
      expect(r.score).toBeCloseTo(dot, 9);
      const contribution = r.reasons[0];
      const feature = r.item.features.find((f: any) => f.term === contribution.term);
      expect(contribution.weight).toBeCloseTo(feature.weight * interests.get(contribution.term)!, 9);
    }
    expect(recs[0].item.id).toMatch(/^space-/);
    for (let i = 1; i < recs.length; i++) expect(recs[i - 1].score).toBeGreaterThanOrEqual(recs[i].score);
  });

  it('JACCARD ranks items by shared terms over all terms', async () => {
    await app.run(RECORD, { input: { userId: 'jo', itemId: 'cooking-1', kind: 'PURCHASE', occurredAt: daysAgo(20) } });
    const res = await app.run(RECS, { u: 'jo', s: 'JACCARD', f: 3 });
    const recs = res.data!.user.recommendations;
    // jo's terms: cooking, recipe, food, hearst. cooking-2 {recipe, baking, food, meredith}: 2 / 6.
    // fashion-3 {beauty, celebrity, fashion, hearst}: 1 / 7.
    expect(recs[0]).toMatchObject({ item: { id: 'cooking-2' }, score: expect.closeTo(2 / 6, 12) });
    expect(recs[0].reasons.map((r: any) => r.term).sort()).toEqual(['food', 'recipe']);
    expect(recs[1]).toMatchObject({ item: { id: 'fashion-3' }, score: expect.closeTo(1 / 7, 12) });
  });

  it('leaves out what the user already has unless asked not to', async () => {
    const without = await app.run(RECS, { u: 'ann', f: 10 });
    const ids = without.data!.user.recommendations.map((r: any) => r.item.id);
    expect(ids).not.toContain('space-1');
    expect(ids).not.toContain('fashion-1');
    const withAll = await app.run(RECS, { u: 'ann', f: 10, x: false });
    expect(withAll.data!.user.recommendations[0].item.id).toBe('space-1');
  });

  it('gives a user with no history the most popular recent items, and says so', async () => {
    await app.run(RECORD, { input: { userId: 'newcomer', kind: 'SEARCH', query: 'zzz qqq' } });
    const cold = await app.run(RECS, { u: 'newcomer', f: 3 });
    const recs = cold.data!.user.recommendations;
    expect(recs.map((r: any) => r.strategy)).toEqual(['POPULAR', 'POPULAR', 'POPULAR']);
    // In the 30 days up to the newest event (this SEARCH, stamped now): fashion-2: three purchases (15);
    // cooking-1: p3's and jo's purchases (10); space-1: ann's purchase (5).
    expect(recs.map((r: any) => r.item.id)).toEqual(['fashion-2', 'cooking-1', 'space-1']);
  });

  it('diversity 0 is pure relevance; diversity 1 spreads the list across kinds of items', async () => {
    await app.run(RECORD, { input: { userId: 'div', itemId: 'space-2', kind: 'PURCHASE', occurredAt: daysAgo(20) } });
    await app.run(RECORD, { input: { userId: 'div', itemId: 'fashion-2', kind: 'VIEW', occurredAt: daysAgo(20) } });
    const plain = (await app.run(RECS, { u: 'div', f: 4 })).data!.user.recommendations;
    const zero = (await app.run(RECS, { u: 'div', f: 4, d: 0 })).data!.user.recommendations;
    expect(zero).toEqual(plain);
    const diverse = (await app.run(RECS, { u: 'div', f: 4, d: 1 })).data!.user.recommendations;
    // Redundancy of a list: the summed cosine of every pair of its items, from the features the API shows.
    const redundancy = async (list: any[]) => {
      const vectors = await Promise.all(
        list.map(
          async (r) =>
            new Map<string, number>(
              (await app.run(`{ item(id: "${r.item.id}") { features { term weight } } }`)).data!.item.features.map(
                (f: any) => [f.term, f.weight],
              ),
            ),
        ),
      );
      let sum = 0;
      for (let i = 0; i < vectors.length; i++)
        for (let j = i + 1; j < vectors.length; j++)
          for (const [t, w] of vectors[i]) sum += w * (vectors[j].get(t) ?? 0);
      return sum;
    };
    expect(diverse).toHaveLength(4);
    expect(await redundancy(diverse)).toBeLessThan(await redundancy(plain));
  });

  it('refuses out-of-range arguments with BAD_USER_INPUT', async () => {
    for (const vars of [{ f: 0 }, { f: 101 }, { d: -0.1 }, { d: 1.5 }]) {
      const res = await app.run(RECS, { u: 'ann', ...vars });
      expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    }
    const interests = await app.run(`{ user(id: "ann") { interests(first: 101) { term } } }`);
    expect(interests.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const similar = await app.run(`{ item(id: "space-1") { similarItems(first: -1) { score } } }`);
    expect(similar.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('makes the same number of SQL queries for 1 and for 50 recommendations', async () => {
    const count = async (first: number) => {
      db.resetQueries();
      const res = await app.run(
        `query ($f: Int) { user(id: "ann") { recommendations(first: $f) { item { id title } } } }`,
        { f: first },
      );
      expect(res.errors).toBeUndefined();
      // Background polls (catalogue changes, model versions) share the pool; they are not the request's.
      return db.queries.filter((q) => !/updated_at >=|model_versions/.test(q)).length;
    };
    const one = await count(1);
    const many = await count(50);
    // The user, profile and history in one statement; the items not yet in memory (if any) in another.
    expect(many).toBeLessThanOrEqual(2);
    expect(one).toBeLessThanOrEqual(many);
    // Items already shown are served from memory: the same request again is one statement.
    expect(await count(50)).toBe(1);
  });

  it('reads interests in one statement with the user, and only the profile when recommendations are not asked for', async () => {
    db.resetQueries();
    const res = await app.run(`{ user(id: "ann") { id interests(first: 3) { term } } }`);
    expect(res.errors).toBeUndefined();
    expect(res.data!.user.interests.length).toBeGreaterThan(0);
    const own = db.queries.filter((q) => !/updated_at >=|model_versions/.test(q));
    expect(own).toHaveLength(1);
    expect(own[0]).toMatch(/user_interests/);
    expect(own[0]).not.toMatch(/interactions/);
  });

  it('reads the users of concurrent requests in one statement, and each request gets its own user', async () => {
    await app.run(RECORD, { input: { userId: 'lee', itemId: 'space-3', kind: 'PURCHASE' } });
    await app.run(RECORD, { input: { userId: 'mo', itemId: 'fashion-1', kind: 'PURCHASE' } });
    const ask = (u: string) =>
      app.run(
        `{ user(id: "${u}") { id interests(first: 3) { term weight } recommendations(first: 3) { item { id } score } } }`,
      );
    const alone = [await ask('lee'), await ask('mo'), await ask('nobody-here')];
    db.resetQueries();
    const together = await Promise.all([ask('lee'), ask('mo'), ask('nobody-here')]);
    expect(together.map((r) => r.data)).toEqual(alone.map((r) => r.data));
    expect(together[0].data!.user.id).toBe('lee');
    // Each user's own: neither list holds what that user bought, and the two differ.
    const ids = (r: (typeof together)[number]) =>
      r.data!.user.recommendations.map((x: { item: { id: string } }) => x.item.id);
    expect(ids(together[0])).not.toContain('space-3');
    expect(ids(together[1])).not.toContain('fashion-1');
    expect(ids(together[0])).not.toEqual(ids(together[1]));
    expect(together[2].data!.user).toBeNull();
    const userStatements = db.queries.filter((q) => /FROM ("\w+"\.)?"users"/i.test(q));
    expect(userStatements).toHaveLength(1);
  });

  it('finds similar items with the same engine, never the item itself', async () => {
    const res = await app.run(
      `{ item(id: "space-1") { similarItems(first: 3) { item { id } score reasons { term } } } }`,
    );
    const recs = res.data!.item.similarItems;
    expect(recs.map((r: any) => r.item.id)).not.toContain('space-1');
    expect(recs[0].item.id).toBe('space-2');
    const jaccard = await app.run(
      `{ item(id: "space-1") { similarItems(similarity: JACCARD, first: 1) { item { id } score } } }`,
    );
    // space-1 {astronomy, telescope, space, pole star, science}; space-2 shares 4 of 5: 4 / 5.
    expect(jaccard.data!.item.similarItems[0]).toEqual({ item: { id: 'space-2' }, score: expect.closeTo(4 / 5, 12) });
  });

  it('shows an interaction recorded through one process in another process at the next request', async () => {
    await app.run(RECORD, { input: { userId: 'kim', itemId: 'cooking-2', kind: 'PURCHASE' } });
    const res = await other.run(
      `{ user(id: "kim") { interests(first: 1) { term } recommendations(first: 1) { item { id } } } }`,
    );
    expect(['baking', 'recipe', 'meredith', 'food']).toContain(res.data!.user.interests[0].term);
    expect(res.data!.user.recommendations[0].item.id).toBe('cooking-1');
  });

  it("keeps every process's index fresh when the catalogue changes", async () => {
    await upsertItems(db.dataSource, [
      item('space-5', { brand: 'Pole Star', categories: ['Science'], tags: ['astronomy', 'telescopes', 'space'] }),
    ]);
    await announce(db.dataSource, app.services.channel, 'items');
    for (const instance of [app, other]) {
      await until(async () => {
        const r = await instance.run(`{ item(id: "space-5") { features { term } } }`);
        return r.data!.item.features.length > 0;
      });
      const recs = await instance.run(RECS, { u: 'ann', f: 2 });
      expect(recs.data!.user.recommendations.map((r: any) => r.item.id)).toContain('space-5');
    }
  });

  it("shows a changed item's new title and features in every process that had its old row in memory", async () => {
    const ITEM = `{ item(id: "physics-1") { title features { term } } }`;
    for (const instance of [app, other]) expect((await instance.run(ITEM)).data!.item.title).toBe('Item physics-1');
    await upsertItems(db.dataSource, [
      item('physics-1', {
        title: 'Quantum Quarterly',
        brand: 'Orbit',
        categories: ['Science'],
        tags: ['physics', 'quantum'],
      }),
    ]);
    await announce(db.dataSource, app.services.channel, 'items');
    for (const instance of [app, other]) {
      await until(async () => (await instance.run(ITEM)).data!.item.title === 'Quantum Quarterly');
      const features = (await instance.run(ITEM)).data!.item.features.map((f: { term: string }) => f.term);
      expect(features).toContain('quantum');
    }
  });
});
