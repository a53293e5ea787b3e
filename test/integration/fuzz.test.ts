/**
 * Thousands of generated requests (wrong types, huge numbers, long strings, SQL and script
 * fragments, unicode, broken documents) against the real HTTP server: no crash, no 500, no
 * stack trace, every error with an extensions.code, and the data as it was.
 */
import fc from 'fast-check';
import { createTestApp, TestApp } from '../support/app';
import { createTestDatabase, TestDatabase } from '../support/db';
import { insertItems, insertUsers, item } from '../support/factories';

const nasty = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme', maxLength: 50 }),
  fc.constantFrom(
    "'; DROP TABLE items; --",
    '" OR 1=1 --',
    '<script>alert(1)</script>',
    '${7*7}',
    '\u0000',
    '../../etc/passwd',
    'x'.repeat(10_000),
    '🙂'.repeat(300),
    'B00005N7NQ',
    'u-1',
  ),
  fc.integer(),
  fc.double(),
  fc.constantFrom(2 ** 31, -(2 ** 31) - 1, Number.MAX_SAFE_INTEGER, 1e308, -0, 0, 1, 100, 101),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 3 }),
);

const operations = [
  `query ($id: ID!) { item(id: $id) { id title features { term weight } } }`,
  `query ($first: Int, $after: String) { items(first: $first, after: $after) { edges { cursor node { id } } pageInfo { hasNextPage } } }`,
  `query ($id: ID!, $first: Int) { user(id: $id) { interests(first: $first) { term } } }`,
  `query ($id: ID!, $s: Similarity, $first: Int, $x: Boolean, $d: Float) { user(id: $id) { recommendations(similarity: $s, first: $first, excludeInteracted: $x, diversity: $d) { score item { id } } } }`,
  `query ($id: ID!, $first: Int) { item(id: $id) { similarItems(first: $first) { score } } }`,
  `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Item { id } ... on User { id } } }`,
  `mutation ($input: RecordInteractionInput!) { recordInteraction(input: $input) { replayed } }`,
];

const brokenDocuments = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.constantFrom(
    '{',
    'query {',
    '{ item(id: ) { id } }',
    '{ nosuch }',
    '{ item(id: "a") { nosuchfield } }',
    'mutation { recordInteraction }',
    '{ __schema { types { name } } }',
    `{ ${'a: __typename '.repeat(500)} }`,
    `{ ${'user(id: "x") { '.repeat(40)}${' }'.repeat(40)} }`,
  ),
);

describe('fuzzing the HTTP API', () => {
  let db: TestDatabase;
  let app: TestApp;
  let url: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    await insertItems(db.dataSource, [item('a', { tags: ['x'] }), item('b', { tags: ['y'] })]);
    await insertUsers(db.dataSource, ['u-1']);
    app = await createTestApp(db, { env: { RATE_LIMIT_MUTATIONS_PER_MINUTE: '1000000' } });
    url = await app.listen();
  });
  afterAll(async () => {
    await app.close();
    await db.close();
  });

  const snapshot = async () =>
    db.dataSource.query(`SELECT (SELECT md5(string_agg(i::text, ',' ORDER BY id)) FROM items i) AS items,
                                (SELECT count(*) FROM interactions) AS interactions,
                                (SELECT md5(coalesce(string_agg(u.id || ':' || u.consent, ',' ORDER BY id), '')) FROM users u) AS users`);

  const check = async (body: string, headers: Record<string, string> = {}) => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-user-id': 'fuzzer', ...headers },
      body,
    });
    expect(res.status).toBeLessThan(500);
    const text = await res.text();
    expect(text).not.toMatch(/stacktrace|\bat [\w.<>]+ \(|node_modules|\.ts:\d+/);
    let parsed: any;
    try {
      parsed = JSON.parse(text);
    } catch {
      // Body-parser refusals (413, 400) are plain; they are still client errors, checked above.
      expect(res.status).toBeGreaterThanOrEqual(400);
      return;
    }
    for (const error of parsed.errors ?? []) expect(typeof error.extensions?.code).toBe('string');
    for (const error of parsed.errors ?? []) expect(error.extensions.code).not.toBe('INTERNAL_SERVER_ERROR');
  };

  it('survives generated variables on every operation', async () => {
    const before = await snapshot();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...operations),
        fc.record({
          id: nasty,
          first: nasty,
          after: nasty,
          s: nasty,
          x: nasty,
          d: nasty,
          r: fc.oneof(
            nasty,
            fc.array(fc.record({ __typename: fc.constantFrom('Item', 'User', 'Nope'), id: nasty }), { maxLength: 5 }),
          ),
        }),
        fc.record({
          userId: nasty,
          itemId: nasty,
          kind: fc.oneof(nasty, fc.constantFrom('VIEW', 'SEARCH', 'PURCHASE')),
          query: nasty,
          occurredAt: nasty,
          idempotencyKey: nasty,
        }),
        async (query, vars, input) => {
          // The viewer is "fuzzer": a write for anyone else is FORBIDDEN, so only its own could land.
          await check(JSON.stringify({ query, variables: { ...vars, input } }));
        },
      ),
      { numRuns: 1500 },
    );
    const after = await snapshot();
    expect(after[0].items).toBe(before[0].items);
    const [{ n }] = await db.dataSource.query(`SELECT count(*)::int AS n FROM interactions WHERE user_id <> 'fuzzer'`);
    expect(n).toBe(0);
  });

  it('survives broken documents and malformed bodies', async () => {
    const before = await snapshot();
    await fc.assert(
      fc.asyncProperty(brokenDocuments, async (query) => {
        await check(JSON.stringify({ query }));
      }),
      { numRuns: 500 },
    );
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string(), fc.json()), async (body) => {
        await check(body);
      }),
      { numRuns: 300 },
    );
    await check('{"query": "' + 'a'.repeat(200_000) + '"}');
    expect(await snapshot()).toEqual(before);
  });
});
