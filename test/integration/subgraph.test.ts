import { createTestApp, TestApp } from '../support/app';
import { clock, daysAgo } from '../support/config';
import { createTestDatabase, TestDatabase } from '../support/db';
import { insertItems, insertUsers, item } from '../support/factories';
import { RECORD, RECORD_COUNTED, RECORD_INTERACTION } from '../support/documents';

describe('the subgraph on a real Postgres', () => {
  let db: TestDatabase;
  let app: TestApp;

  beforeAll(async () => {
    db = await createTestDatabase();
    const items = Array.from({ length: 60 }, (_, i) =>
      item(`m${String(i).padStart(3, '0')}`, {
        title: `Magazine ${i}`,
        brand: i % 2 === 0 ? 'Conde Nast' : 'Hearst',
        categories: ['Magazine Subscriptions', i % 3 === 0 ? 'Science & Nature' : 'Fashion & Style'],
        tags: i % 3 === 0 ? ['astronomy', 'physics'] : ['fashion', 'beauty', 'celebrities'],
        price: 10 + i,
      }),
    );
    await insertItems(db.dataSource, items);
    await insertUsers(db.dataSource, ['alice', 'bob', 'carol']);
    await insertUsers(
      db.dataSource,
      Array.from({ length: 600 }, (_, i) => `many-${i + 1}`),
    );
    app = await createTestApp(db);
  });
  afterAll(async () => {
    await app.close();
    await db.close();
  });

  it('resolves any number of entity representations with one SQL query per type', async () => {
    const representations = [
      ...Array.from({ length: 50 }, (_, i) => ({ __typename: 'Item', id: `m${String(i).padStart(3, '0')}` })),
      { __typename: 'Item', id: 'no-such-item' },
      { __typename: 'User', id: 'alice' },
      { __typename: 'User', id: 'bob' },
      { __typename: 'User', id: 'nobody' },
    ];
    db.resetQueries();
    const res = await app.run(
      `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Item { id title brand } ... on User { id } } }`,
      { r: representations },
      'service',
    );
    expect(res.errors).toBeUndefined();
    const entities = res.data!._entities;
    expect(entities).toHaveLength(54);
    expect(entities[0]).toEqual({ id: 'm000', title: 'Magazine 0', brand: 'Conde Nast' });
    expect(entities[49].id).toBe('m049');
    expect(entities[50]).toBeNull();
    expect(entities[51]).toEqual({ id: 'alice' });
    expect(entities[53]).toBeNull();
    const ownQueries = db.queries.filter((q) => !/updated_at >=|model_versions/.test(q));
    const itemQueries = ownQueries.filter((q) => /FROM ("\w+"\.)?"items"/i.test(q));
    const userQueries = ownQueries.filter((q) => /FROM ("\w+"\.)?"users"/i.test(q));
    expect(itemQueries).toHaveLength(1);
    expect(userQueries).toHaveLength(1);
    expect(ownQueries).toHaveLength(2);
    // The item rows are now in this process's memory: asked again, only the users are read
    // (an unknown id is not remembered as missing: the item may be created at any time).
    db.resetQueries();
    const known = representations.filter((r) => r.id !== 'no-such-item');
    const again = await app.run(
      `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Item { id title brand } ... on User { id } } }`,
      { r: known },
      'service',
    );
    expect(again.data!._entities).toEqual(entities.filter((_: unknown, i: number) => i !== 50));
    const ownAgain = db.queries.filter((q) => !/updated_at >=|model_versions/.test(q));
    expect(ownAgain).toHaveLength(1);
    expect(ownAgain[0]).toMatch(/FROM ("\w+"\.)?"users"/i);
  });

  it('reads 600 represented users with their interests in one statement', async () => {
    const many = Array.from({ length: 600 }, (_, i) => ({ __typename: 'User', id: `many-${i + 1}` }));
    db.resetQueries();
    const res = await app.run(
      `query ($r: [_Any!]!) { _entities(representations: $r) { ... on User { id interests { term } } } }`,
      { r: many },
      'service',
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!._entities.map((u: { id: string }) => u.id)).toEqual(many.map((r) => r.id));
    expect(db.queries.filter((q) => /FROM ("\w+"\.)?"users"/i.test(q))).toHaveLength(1);
  });

  it('reads a represented user with the history their recommendations need in one statement', async () => {
    db.resetQueries();
    const res = await app.run(
      `query ($r: [_Any!]!) { _entities(representations: $r) { ... on User { id recommendations(first: 2) { item { id } } } } }`,
      {
        r: [
          { __typename: 'User', id: 'alice' },
          { __typename: 'User', id: 'bob' },
        ],
      },
      'service',
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!._entities.map((u: { id: string }) => u.id)).toEqual(['alice', 'bob']);
    const userQueries = db.queries.filter((q) => /FROM ("\w+"\.)?"users"/i.test(q));
    expect(userQueries).toHaveLength(1);
    expect(userQueries[0]).toMatch(/interactions/);
    expect(
      db.queries.filter((q) => /FROM ("\w+"\.)?"interactions"/i.test(q) && !/FROM ("\w+"\.)?"users"/i.test(q)),
    ).toHaveLength(0);
  });

  it('answers _service { sdl } with the federation keys', async () => {
    const res = await app.run(`{ _service { sdl } }`);
    expect(res.data!._service.sdl).toContain('type Item @key(fields: "id")');
    expect(res.data!._service.sdl).toContain('type User @key(fields: "id")');
  });

  it('gives each item a unit-length feature vector, strongest term first', async () => {
    const res = await app.run(`{ item(id: "m003") { categories features { term weight } } }`);
    const features: { term: string; weight: number }[] = res.data!.item.features;
    expect(features.map((f) => f.term).sort()).toEqual([
      'astronomy',
      'hearst',
      'magazine subscription',
      'physics',
      'science and nature',
    ]);
    const norm = Math.sqrt(features.reduce((s, f) => s + f.weight * f.weight, 0));
    expect(norm).toBeCloseTo(1, 10);
    for (let i = 1; i < features.length; i++) expect(features[i - 1].weight).toBeGreaterThanOrEqual(features[i].weight);
    // Every item has "magazine subscription": it is the least distinctive term.
    expect(features[features.length - 1].term).toBe('magazine subscription');
  });

  it('pages through the catalogue with cursors, in id order, without gaps or repeats', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const res: any = await app.run(
        `query ($after: String) { items(first: 7, after: $after) { edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }`,
        { after },
      );
      expect(res.errors).toBeUndefined();
      const page = res.data.items;
      seen.push(...page.edges.map((e: any) => e.node.id));
      pages++;
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(pages).toBe(9);
    expect(seen).toHaveLength(60);
    expect(new Set(seen).size).toBe(60);
    expect([...seen].sort()).toEqual(seen);
  });

  it('refuses page sizes out of bounds and cursors it never gave out', async () => {
    for (const [args, name] of [
      ['first: 0', 'first'],
      ['first: 101', 'first'],
      ['after: "bm90LWEtY3Vyc29y"', 'after'],
      ['after: "%%%"', 'after'],
    ]) {
      const res = await app.run(`{ items(${args}) { edges { cursor } } }`);
      expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentName: name });
    }
  });

  it('records an interaction once per idempotency key and answers a retry as the first time', async () => {
    const mutation = RECORD_INTERACTION;
    const input = {
      userId: 'dora',
      itemId: 'm003',
      kind: 'PURCHASE',
      idempotencyKey: 'order-77',
      occurredAt: daysAgo(3),
    };
    const first = await app.run(mutation, { input });
    expect(first.errors).toBeUndefined();
    expect(first.data!.recordInteraction.replayed).toBe(false);
    const again = await app.run(mutation, { input: { ...input, occurredAt: daysAgo(2) } });
    expect(again.data!.recordInteraction.replayed).toBe(true);
    expect(again.data!.recordInteraction.interaction).toEqual(first.data!.recordInteraction.interaction);
    expect(first.data!.recordInteraction.interaction).toMatchObject({
      kind: 'PURCHASE',
      counted: true,
      occurredAt: input.occurredAt,
      user: { id: 'dora' },
      item: { id: 'm003' },
    });
    const [{ n }] = await db.dataSource.query(`SELECT count(*)::int AS n FROM interactions WHERE user_id = 'dora'`);
    expect(n).toBe(1);
    // The unknown user was created, and the purchase is in their profile exactly once (PURCHASE weighs 5).
    const weights = await db.dataSource.query(
      `SELECT term, weight FROM user_interests WHERE user_id = 'dora' AND term = 'astronomy'`,
    );
    expect(weights).toEqual([{ term: 'astronomy', weight: 5 }]);
  });

  it("stamps an event sent without a time with the service's clock, the one the tests run on", async () => {
    const before = clock.now();
    const res = await app.run(
      `mutation { recordInteraction(input: { userId: "stamp", itemId: "m004", kind: VIEW }) { interaction { occurredAt } } }`,
    );
    const stamped = Date.parse(res.data!.recordInteraction.interaction.occurredAt);
    // With CLOCK_OFFSET_DAYS set (CI's run a year ahead), a service reading the wall clock would be off by days.
    expect(stamped).toBeGreaterThanOrEqual(before);
    expect(stamped).toBeLessThanOrEqual(clock.now());
  });

  it('rejects bad interactions with BAD_USER_INPUT and stores nothing', async () => {
    const mutation = RECORD;
    const cases: [Record<string, unknown>, string][] = [
      [{ userId: 'erin', itemId: 'no-such-item', kind: 'VIEW' }, 'itemId'],
      [{ userId: 'erin', kind: 'VIEW' }, 'itemId'],
      [{ userId: 'erin', kind: 'SEARCH' }, 'query'],
      [{ userId: 'erin', kind: 'SEARCH', query: 'x'.repeat(501) }, 'query'],
      [{ userId: '  ', itemId: 'm001', kind: 'VIEW' }, 'userId'],
      [{ userId: 'erin', itemId: 'm001', kind: 'VIEW', occurredAt: daysAgo(-1) }, 'occurredAt'],
      // Values Postgres cannot store: refused by the same rules as the importer's.
      [{ userId: 'erin', kind: 'SEARCH', query: 'telescopes \ud800' }, 'query'],
      [{ userId: 'erin\udc00', itemId: 'm001', kind: 'VIEW' }, 'userId'],
    ];
    for (const [input, argumentName] of cases) {
      const res = await app.run(mutation, { input });
      expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentName });
    }
    const wrongType = await app.run(mutation, { input: { userId: 'erin', itemId: 'm001', kind: 'LIKE' } });
    expect(wrongType.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const [{ n }] = await db.dataSource.query(`SELECT count(*)::int AS n FROM interactions WHERE user_id = 'erin'`);
    expect(n).toBe(0);
  });

  it('counts an identical event inside the de-duplication window once', async () => {
    const mutation = RECORD_COUNTED;
    const view = { userId: 'frank', itemId: 'm010', kind: 'VIEW' };
    const a = await app.run(mutation, { input: { ...view, occurredAt: daysAgo(3) } });
    const b = await app.run(mutation, { input: { ...view, occurredAt: daysAgo(3, 2 * 60_000) } });
    const c = await app.run(mutation, { input: { ...view, occurredAt: daysAgo(3, 60 * 60_000) } });
    expect([a, b, c].map((r) => r.data!.recordInteraction.interaction.counted)).toEqual([true, false, true]);
  });

  it('refuses an event for an item deleted after this process last showed it, and records nothing', async () => {
    await insertItems(db.dataSource, [item('doomed', { title: 'Doomed Monthly', description: null })]);
    await app.services.catalogue.refresh();
    expect((await app.run(`{ item(id: "doomed") { title } }`)).data!.item.title).toBe('Doomed Monthly');
    await db.dataSource.query(`DELETE FROM items WHERE id = 'doomed'`);
    const res = await app.run(
      `mutation { recordInteraction(input: { userId: "gus", itemId: "doomed", kind: VIEW }) { replayed } }`,
    );
    expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(res.errors?.[0].message).toContain('no item with id "doomed"');
    const [{ n }] = await db.dataSource.query(`SELECT count(*)::int AS n FROM interactions WHERE user_id = 'gus'`);
    expect(n).toBe(0);
  });
});
