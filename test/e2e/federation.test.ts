/**
 * Tailor inside a supergraph: its schema composed with two other subgraphs by
 * @apollo/composition, and the supergraph served by @apollo/gateway in-process, calling every
 * subgraph over real HTTP. One client query starts in another subgraph, crosses into tailor for
 * recommendations and personalised descriptions, and comes back out.
 */
import { ApolloServer } from '@apollo/server';
import { composeServices } from '@apollo/composition';
import { ApolloGateway } from '@apollo/gateway';
import gql from 'graphql-tag';
import { IdentityForwardingDataSource, GatewayContext } from '../../examples/gateway/gateway';
import { inventoryTypeDefs } from '../../examples/gateway/inventory';
import { testConfig } from '../support/config';
import { loadTypeDefs } from '../../src/graphql';
import { seedSample } from '../../src/ingest/seed';
import { createLogger } from '../../src/logger';
import { composeFromConfig, tailorSubgraphSdl } from '../../src/cli/supergraph';
import { projectRoot } from '../../src/util/paths';
import { createTestApp, TestApp } from '../support/app';
import { createTestDatabase, TestDatabase } from '../support/db';
import { accountsTypeDefs, sampleAccounts, startAccounts } from './subgraphs/accounts';
import { startInventory, testInventory } from './subgraphs/inventory';

const GATEWAY_SECRET = 'federation-test-gateway-secret-0123456789';
const ALICE = 'sim-user-001';
const NEWCOMER = 'new-shopper';

describe('tailor in a supergraph behind @apollo/gateway', () => {
  let db: TestDatabase;
  let app: TestApp;
  let tailorUrl: string;
  let stops: (() => Promise<void>)[] = [];
  let gateway: ApolloServer<GatewayContext>;
  let composition: ReturnType<typeof composeServices>;
  /** Subgraph names in the order the gateway called them, reset per test. */
  const calls: string[] = [];
  const inventory = testInventory({
    stock: { B00005N7NQ: 0, B00005N7O6: 12 },
    reviews: new Map([['B00005N7O6', [{ rating: 4, text: 'Good long reads.', authorId: ALICE }]]]),
    featured: ['B00005N7NQ', 'B00005N7O6'],
  });

  beforeAll(async () => {
    db = await createTestDatabase();
    const config = testConfig({ DATABASE_URL: db.url, DATABASE_SCHEMA: db.schema });
    await seedSample(db.dataSource, config, createLogger('silent'));
    app = await createTestApp(db, { env: { GATEWAY_SECRET } });
    tailorUrl = await app.listen();
    const inv = await startInventory(inventory);
    const acc = await startAccounts(sampleAccounts([NEWCOMER]));
    stops = [() => inv.stop(), () => acc.stop()];

    // Tailor's SDL is taken the way Rover and IntrospectAndCompose take it: from _service over HTTP.
    const sdl = await serviceSdl(tailorUrl);
    composition = composeServices([
      { name: 'tailor', url: tailorUrl, typeDefs: gql(sdl) },
      { name: 'inventory', url: inv.url, typeDefs: inventoryTypeDefs() },
      { name: 'accounts', url: acc.url, typeDefs: accountsTypeDefs },
    ]);
    if (composition.errors) throw new Error(composition.errors.map((e) => e.message).join('\n'));
    gateway = new ApolloServer<GatewayContext>({
      gateway: new ApolloGateway({
        supergraphSdl: composition.supergraphSdl,
        buildService: ({ name, url }) => {
          const source = new IdentityForwardingDataSource(url!, GATEWAY_SECRET);
          const send = source.willSendRequest.bind(source);
          source.willSendRequest = (options) => {
            calls.push(name);
            return send(options);
          };
          return source;
        },
      }),
    });
    await gateway.start();
  });

  afterAll(async () => {
    await gateway?.stop();
    for (const stop of stops) await stop();
    await app?.close();
    await db?.close();
  });

  beforeEach(() => {
    calls.length = 0;
  });

  async function viaGateway(query: string, userId: string | null, variables?: Record<string, unknown>) {
    const res = await gateway.executeOperation({ query, variables }, { contextValue: { userId } });
    if (res.body.kind !== 'single') throw new Error('unexpected incremental response');
    return res.body.singleResult as {
      data?: any;
      errors?: { message: string; path?: unknown[]; extensions?: Record<string, unknown> }[];
    };
  }

  const asGateway = (body: object) =>
    fetch(tailorUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-tailor-gateway-secret': GATEWAY_SECRET,
        'x-tailor-role': 'service',
      },
      body: JSON.stringify(body),
    }).then((r) => r.json() as Promise<any>);

  it('composes with the inventory and accounts subgraphs with no errors and no hints', () => {
    expect(composition.errors).toBeUndefined();
    expect((composition.hints ?? []).map((h) => `${h.definition.code}: ${h.message}`)).toEqual([]);
    const supergraph = composition.supergraphSdl;
    // Each entity is known to every subgraph that defines it, by the same key.
    expect(supergraph).toMatch(
      /type Item\s+@join__type\(graph: INVENTORY, key: "id"\)\s+@join__type\(graph: TAILOR, key: "id"\)/,
    );
    expect(supergraph).toMatch(
      /type User\s+@join__type\(graph: ACCOUNTS, key: "id"\)\s+@join__type\(graph: INVENTORY, key: "id", resolvable: false\)\s+@join__type\(graph: TAILOR, key: "id"\)/,
    );
    // The one field both define is @shareable in both, on purpose: with no @join__field, every
    // subgraph that defines Item may resolve it.
    expect(supergraph).toMatch(/\n\s+title: String!\n/);
    // Every other non-key field has exactly one owner.
    expect(supergraph).toMatch(
      /recommendations\([^)]*\)[^\n]*: \[Recommendation!\]! @join__field\(graph: TAILOR\)|recommendations\([\s\S]*?\): \[Recommendation!\]! @join__field\(graph: TAILOR\)/,
    );
    expect(supergraph).toContain('inStock: Boolean! @join__field(graph: INVENTORY)');
    expect(supergraph).toContain('email: String! @join__field(graph: ACCOUNTS)');
  });

  it('refuses a subgraph that redefines a field tailor owns, unless both mark it @shareable', () => {
    // Item.description is tailor's alone (not @shareable there), so a second definition is refused.
    const catalogue = gql`
      extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@shareable"])
      type Item @key(fields: "id") {
        id: ID!
        description: String @shareable
      }
      type Query {
        bestsellers: [Item!]!
      }
    `;
    const result = composeServices([
      { name: 'tailor', url: tailorUrl, typeDefs: loadTypeDefs() },
      { name: 'catalogue', url: 'http://catalogue.invalid/graphql', typeDefs: catalogue },
    ]);
    expect(result.errors?.map((e) => e.extensions?.code)).toEqual(['INVALID_FIELD_SHARING']);
    expect(result.errors?.[0].message).toContain('defined as non-shareable in subgraph "tailor"');
  });

  it('takes the shareable title from the subgraph the plan is already in, and both copies agree', async () => {
    const res = await viaGateway(`{ featuredItems { id title inStock } }`, ALICE);
    expect(res.errors).toBeUndefined();
    // Stock and titles only: inventory answers alone, no hop into tailor.
    expect(calls).toEqual(['inventory']);
    const ids = res.data.featuredItems.map((i: { id: string }) => i.id);
    const direct = await app.run(
      `query ($ids: [_Any!]!) { _entities(representations: $ids) { ... on Item { id title } } }`,
      {
        ids: ids.map((id: string) => ({ __typename: 'Item', id })),
      },
    );
    expect(res.data.featuredItems.map(({ id, title }: { id: string; title: string }) => ({ id, title }))).toEqual(
      direct.data!._entities,
    );
    // Asked next to a tailor field, the title still comes from one place and answers the same.
    const mixed = await viaGateway(`{ featuredItems { id title features { term } } }`, ALICE);
    expect(mixed.data.featuredItems.map(({ id, title }: { id: string; title: string }) => ({ id, title }))).toEqual(
      direct.data!._entities,
    );
  });

  it('answers _service { sdl } with its schema as written, the federation link and both keys', async () => {
    const sdl = await serviceSdl(tailorUrl);
    // What `npm run supergraph` prints is what the running server answers.
    expect(sdl).toBe(await tailorSubgraphSdl());
    expect(sdl).toContain('@link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@shareable"])');
    expect(sdl).toContain('type User @key(fields: "id")');
    expect(sdl).toContain('type Item @key(fields: "id")');
    // The federation plumbing tailor adds (composition strips it again): the entity union holds exactly the two keyed types.
    expect(sdl).toContain('union _Entity = Item | User');
  });

  it('resolves _entities in the order given, with null for ids that do not exist', async () => {
    const body = await asGateway({
      query: `query ($r: [_Any!]!) { _entities(representations: $r) { __typename ... on Item { id title } ... on User { id interests(first: 1) { term } } } }`,
      variables: {
        r: [
          { __typename: 'Item', id: 'B00005N7O6' },
          { __typename: 'Item', id: 'no-such-item' },
          { __typename: 'User', id: ALICE },
          { __typename: 'User', id: 'no-such-user' },
          { __typename: 'Item', id: 'B00005N7NQ' },
        ],
      },
    });
    expect(body.errors).toBeUndefined();
    const [first, missingItem, user, missingUser, last] = body.data._entities;
    expect(first).toMatchObject({ __typename: 'Item', id: 'B00005N7O6' });
    expect(missingItem).toBeNull();
    expect(user).toMatchObject({ __typename: 'User', id: ALICE });
    expect(user.interests).toHaveLength(1);
    expect(missingUser).toBeNull();
    expect(last).toEqual({ __typename: 'Item', id: 'B00005N7NQ', title: 'Reason' });
  });

  it('runs one query from accounts into tailor for recommendations and descriptions, out to inventory and back', async () => {
    const res = await viaGateway(
      `{ me {
          email
          recommendations(first: 3) {
            score strategy reasons { term }
            item { id title inStock personalisedDescription { text personalised highlights }
                   reviews { rating author { id email } } }
          }
        } }`,
      ALICE,
    );
    expect(res.errors).toBeUndefined();
    const me = res.data.me;
    expect(me.email).toBe(`${ALICE}@example.test`);
    // The same answer tailor gives the user directly: the gateway adds fields, it changes none.
    const direct = await app.run(
      `{ user(id: "${ALICE}") { recommendations(first: 3) { score strategy reasons { term } item { id title personalisedDescription { text personalised highlights } } } } }`,
      {},
      ALICE,
    );
    expect(
      me.recommendations.map(({ item: { inStock: _s, reviews: _r, ...item }, ...rec }: any) => ({ ...rec, item })),
    ).toEqual(direct.data!.user.recommendations);
    expect(me.recommendations).toHaveLength(3);
    expect(me.recommendations[0].strategy).toBe('PERSONALISED');
    for (const rec of me.recommendations) {
      expect(rec.item.inStock).toBe((inventory.stock.get(rec.item.id) ?? 0) > 0);
      expect(rec.item.personalisedDescription.text.length).toBeGreaterThan(0);
    }
    // accounts (me) -> tailor (recommendations, descriptions) -> inventory (stock, reviews) -> accounts (authors' emails, if any review)
    expect(calls.slice(0, 3)).toEqual(['accounts', 'tailor', 'inventory']);
  });

  it("personalises a search subgraph's results: inventory finds the items, tailor's rank orders them for the viewer", async () => {
    const found = await viaGateway(`{ searchItems(text: "a") { id } }`, ALICE);
    expect(found.errors).toBeUndefined();
    const ids: string[] = [...found.data.searchItems.map((i: { id: string }) => i.id), 'not-in-the-catalogue'];
    expect(ids.length).toBeGreaterThan(10);
    const res = await viaGateway(
      `query ($ids: [ID!]!) { me { rank(itemIds: $ids) { score strategy item { id title inStock } } } }`,
      ALICE,
      { ids },
    );
    expect(res.errors).toBeUndefined();
    const ranked = res.data.me.rank;
    expect(ranked.map((r: { item: { id: string } }) => r.item.id).sort()).toEqual(ids.slice(0, -1).sort());
    const direct = await app.run(
      `query ($ids: [ID!]!) { user(id: "${ALICE}") { rank(itemIds: $ids) { score strategy item { id title } } } }`,
      { ids },
      ALICE,
    );
    expect(ranked.map(({ item: { inStock: _s, ...item }, ...r }: any) => ({ ...r, item }))).toEqual(
      direct.data!.user.rank,
    );
    expect(ranked[0].strategy).toBe('PERSONALISED');
    for (const r of ranked) expect(r.item.inStock).toBe((inventory.stock.get(r.item.id) ?? 0) > 0);
  });

  it('serves typed reasons through the gateway, the deprecated `term` beside `label`', async () => {
    const res = await viaGateway(
      `{ me { recommendations(first: 3) { reasons { label term kind weight item { id inStock } } } } }`,
      ALICE,
    );
    expect(res.errors).toBeUndefined();
    const reasons = res.data.me.recommendations.flatMap((r: any) => r.reasons);
    expect(reasons.length).toBeGreaterThan(0);
    for (const r of reasons) {
      expect(r.term).toBe(r.label);
      expect(['TERM', 'BOUGHT_TOGETHER']).toContain(r.kind);
      if (r.kind === 'TERM') expect(r.item).toBeNull();
      else expect(typeof r.item.inStock).toBe('boolean');
    }
  });

  it("starts at inventory's root field, crosses into tailor and back out to inventory and accounts", async () => {
    const res = await viaGateway(
      `{ featuredItems {
          id inStock
          personalisedDescription { text personalised }
          similarItems(first: 2) { score item { id inStock } }
          reviews { rating author { email recommendations(first: 1) { item { id } } } }
        } }`,
      ALICE,
    );
    expect(res.errors).toBeUndefined();
    const [reason, second] = res.data.featuredItems;
    expect(reason).toMatchObject({ id: 'B00005N7NQ', inStock: false, reviews: [] });
    expect(second).toMatchObject({ id: 'B00005N7O6', inStock: true });
    expect(reason.similarItems).toHaveLength(2);
    for (const s of reason.similarItems) expect(s.item.inStock).toBe((inventory.stock.get(s.item.id) ?? 0) > 0);
    // The review's author is the viewer, so tailor lets the gateway read their recommendations.
    expect(second.reviews).toEqual([
      {
        rating: 4,
        author: {
          email: `${ALICE}@example.test`,
          recommendations: [expect.objectContaining({ item: { id: expect.any(String) } })],
        },
      },
    ]);
    expect(new Set(calls)).toEqual(new Set(['inventory', 'tailor', 'accounts']));
  });

  it("forwards who asks: another user's recommendations are FORBIDDEN through the gateway too", async () => {
    const query = `{ featuredItems { id reviews { author { email recommendations { score item { id } } } } } }`;
    const res = await viaGateway(query, 'sim-user-002');
    // Every field on the way is non-null, so the refusal nulls the whole answer: nothing leaks.
    expect(res.data ?? null).toBeNull();
    expect(res.errors?.map((e) => e.extensions?.code)).toContain('FORBIDDEN');
    expect(res.errors?.find((e) => e.extensions?.code === 'FORBIDDEN')?.path).toEqual([
      'featuredItems',
      1,
      'reviews',
      0,
      'author',
      'recommendations',
    ]);
    // The author themself may read it.
    expect((await viaGateway(query, ALICE)).errors).toBeUndefined();
  });

  it('a user tailor has never seen resolves to null in tailor, so its personal fields cannot be reached', async () => {
    const res = await viaGateway(`{ me { email recommendations(first: 2) { strategy } } }`, NEWCOMER);
    // accounts knows the user, tailor's _entities answers null for them: the gateway nulls `me`.
    expect(res.data?.me ?? null).toBeNull();
    expect(calls).toEqual(['accounts', 'tailor']);
  });

  it('composes the example gateway config the way `npm run supergraph` does', async () => {
    const result = await composeFromConfig(`${projectRoot()}/examples/gateway/supergraph.yaml`);
    expect(result.errors).toEqual([]);
    expect(result.hints).toEqual([]);
    expect(result.supergraphSdl).toContain('inStock: Boolean! @join__field(graph: INVENTORY)');
    expect(result.supergraphSdl).toContain('url: "http://localhost:4001/graphql"');
  });
});

async function serviceSdl(url: string): Promise<string> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ _service { sdl } }' }),
  });
  const body = (await res.json()) as { data: { _service: { sdl: string } } };
  return body.data._service.sdl;
}
