/**
 * Several tailor processes on one Postgres behind one gateway: real child processes
 * (`node --import tsx src/main.ts`, production mode), the gateway sending each subgraph fetch
 * to the next replica in turn. What one replica records, the next one serves; a model version
 * trained while they run reaches every one of them.
 */
import { composeServices } from '@apollo/composition';
import { ApolloServer } from '@apollo/server';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import gql from 'graphql-tag';
import { spawnReplica, Replica } from '../../bench/replica-start';
import { testConfig } from '../support/config';
import { saveVersion } from '../../src/generation/versions';
import { seedSample } from '../../src/ingest/seed';
import { createLogger } from '../../src/logger';
import { announce, changeChannel } from '../../src/db/change-feed';
import { createTestDatabase, TestDatabase } from '../support/db';
import { trainTiny } from '../unit/generation/fixtures';
import { RECORD, RECORD_COUNTED } from '../support/documents';

const GATEWAY_SECRET = 'replicas-test-gateway-secret-0123456789';
const SHOPPER = 'sim-user-011';

interface GatewayContext {
  userId: string;
}

/** One subgraph, several URLs: each fetch goes to the next replica, as a load balancer would. */
class RoundRobinDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  private next = 0;
  readonly served: string[] = [];

  constructor(private readonly replicas: Replica[]) {
    super({ url: replicas[0].url });
  }

  override willSendRequest({
    request,
    context,
  }: Parameters<NonNullable<RemoteGraphQLDataSource<GatewayContext>['willSendRequest']>>[0]) {
    const replica = this.replicas[this.next++ % this.replicas.length];
    // The gateway builds the request from this.url before this hook; the hook may still redirect it.
    (request.http as { url: string }).url = replica.url;
    this.served.push(replica.name);
    request.http!.headers.set('x-tailor-gateway-secret', GATEWAY_SECRET);
    if (context?.userId) request.http!.headers.set('x-tailor-user-id', context.userId);
  }
}

describe('two tailor processes on one Postgres behind a gateway', () => {
  let db: TestDatabase;
  let replicas: Replica[] = [];
  let source: RoundRobinDataSource;
  let gateway: ApolloServer<GatewayContext>;

  beforeAll(async () => {
    db = await createTestDatabase();
    await seedSample(db.dataSource, testConfig({ DATABASE_URL: db.url }), createLogger('silent'));
    const env = {
      GATEWAY_SECRET,
      MODEL_POLL_MS: '1000',
      INDEX_REFRESH_MS: '1000',
      RATE_LIMIT_MUTATIONS_PER_MINUTE: '1000',
    };
    replicas = await Promise.all([0, 1].map(() => spawnReplica({ databaseUrl: db.url, schema: db.schema, env })));
    const sdl = await post(replicas[0], '{ _service { sdl } }');
    const composed = composeServices([{ name: 'tailor', url: replicas[0].url, typeDefs: gql(sdl.data._service.sdl) }]);
    if (composed.errors) throw new Error(composed.errors.map((e) => e.message).join('\n'));
    source = new RoundRobinDataSource(replicas);
    gateway = new ApolloServer<GatewayContext>({
      gateway: new ApolloGateway({ supergraphSdl: composed.supergraphSdl, buildService: () => source }),
    });
    await gateway.start();
  }, 90_000);

  afterAll(async () => {
    await gateway?.stop();
    // A graceful stop is test/e2e/shutdown.test.ts's business; here a replica that has not
    // exited 3 s after SIGTERM is killed so the suite stays quick.
    await Promise.all(replicas.map((r) => r.stop(3_000)));
    await db?.close();
  });

  async function viaGateway(query: string, variables?: Record<string, unknown>) {
    const res = await gateway.executeOperation({ query, variables }, { contextValue: { userId: SHOPPER } });
    if (res.body.kind !== 'single') throw new Error('unexpected incremental response');
    const result = res.body.singleResult as { data?: any; errors?: unknown[] };
    if (result.errors) throw new Error(JSON.stringify(result.errors));
    return result.data;
  }

  const forYou = `{ user(id: "${SHOPPER}") { interests(first: 5) { term weight } recommendations(first: 5) { score item { id } } } }`;

  it('serves a purchase recorded through one replica from the other at the very next request', async () => {
    const before = await viaGateway(forYou);
    const bought: string = before.user.recommendations[0].item.id;
    source.served.length = 0;
    const recorded = await viaGateway(RECORD_COUNTED, {
      input: { userId: SHOPPER, itemId: bought, kind: 'PURCHASE', idempotencyKey: 'replica-order-1' },
    });
    expect(recorded.recordInteraction).toEqual({ replayed: false, interaction: { counted: true } });
    const after = await viaGateway(forYou);
    // Recorded by one process, read by the other.
    expect(source.served).toHaveLength(2);
    expect(new Set(source.served).size).toBe(2);
    expect(after.user.recommendations.map((r: { item: { id: string } }) => r.item.id)).not.toContain(bought);
    expect(after.user.interests).not.toEqual(before.user.interests);
    // Both processes now give the same answer, to the last digit.
    const [a, b] = await Promise.all(replicas.map((r) => post(r, forYou, SHOPPER)));
    expect(a.data).toEqual(after);
    expect(b.data).toEqual(after);
    // A retry of the same order through the other replica records nothing twice.
    const retried = await viaGateway(RECORD, {
      input: { userId: SHOPPER, itemId: bought, kind: 'PURCHASE', idempotencyKey: 'replica-order-1' },
    });
    expect(retried.recordInteraction.replayed).toBe(true);
  });

  it("changes HYBRID's answer on the other replica at its next request when one records another user's event", async () => {
    const reader = 'sim-user-021';
    const [{ item_id: newest }] = await db.dataSource.query(
      `SELECT item_id FROM interactions WHERE user_id = $1 AND counted AND item_id IS NOT NULL AND kind <> 'SEARCH'
        GROUP BY item_id ORDER BY max(occurred_at) DESC, max(id) DESC LIMIT 1`,
      [reader],
    );
    const [{ id: other }] = await db.dataSource.query(`SELECT id FROM items WHERE id <> $1 ORDER BY id LIMIT 1`, [
      newest,
    ]);
    const hybrid = `{ user(id: "${reader}") { recommendations(similarity: HYBRID, first: 10) { score item { id } boughtTogether { item { id } weight } } } }`;
    const before = await post(replicas[1], hybrid, reader);
    expect(before.errors).toBeUndefined();
    // Another shopper buys the reader's newest item and one more, through the first replica: the
    // item's pairs and user count change, which the second replica holds in memory.
    const record = (itemId: string) =>
      `mutation { recordInteraction(input: { userId: "replica-hybrid", itemId: "${itemId}", kind: PURCHASE }) { interaction { counted } } }`;
    for (const itemId of [newest, other]) {
      const res = await post(replicas[0], record(itemId), 'replica-hybrid');
      expect(res.data.recordInteraction.interaction.counted).toBe(true);
    }
    const after = await post(replicas[1], hybrid, reader);
    expect(after.data).not.toEqual(before.data);
    expect(await post(replicas[0], hybrid, reader)).toEqual(after);
  });

  it('switches every replica to a model version trained while they run', async () => {
    const versions = async () =>
      Promise.all(
        replicas.map((r) =>
          fetch(`${r.base}/ready`).then((res) => res.json() as Promise<{ modelVersion: string | null }>),
        ),
      );
    const old = (await versions()).map((v) => v.modelVersion);
    expect(old[0]).toBe(old[1]);
    const tiny = await trainTiny(7);
    await saveVersion(db.dataSource, tiny);
    const saved = performance.now();
    // What a trainer does after storing a version: tell every process on the change feed.
    await announce(db.dataSource, changeChannel(db.schema), 'models');
    const deadline = saved + 15_000;
    let now: (string | null)[] = old;
    while (now.some((v) => v !== tiny.version) && performance.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      now = (await versions()).map((v) => v.modelVersion);
    }
    expect(now).toEqual([tiny.version, tiny.version]);
    const switchMs = performance.now() - saved;
    expect(switchMs).toBeLessThan(15_000);
    // Every replica writes with it.
    const describe = `{ user(id: "${SHOPPER}") { recommendations(first: 3) { item { personalisedDescription { personalised modelVersion } } } } }`;
    for (const r of replicas) {
      const res = await post(r, describe, SHOPPER);
      const written = res.data.user.recommendations
        .map((x: any) => x.item.personalisedDescription)
        .filter((d: { personalised: boolean }) => d.personalised);
      expect(written.length).toBeGreaterThan(0);
      for (const d of written) expect(d.modelVersion).toBe(tiny.version);
    }
  }, 60_000);

  it('each replica built its index from Postgres before it answered ready', () => {
    for (const r of replicas) {
      expect(r.indexBuildMs).toBeDefined();
      expect(r.readyMs).toBeGreaterThan(r.indexBuildMs!);
      const built = r.logs.findIndex((l) => l.msg === 'recommendation index built');
      const serving = r.logs.findIndex((l) => /serving the subgraph/.test(String(l.msg)));
      expect(built).toBeGreaterThanOrEqual(0);
      expect(serving).toBeGreaterThan(built);
    }
  });
});

async function post(replica: Replica, query: string, userId?: string): Promise<any> {
  const res = await fetch(replica.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-tailor-gateway-secret': GATEWAY_SECRET,
      ...(userId ? { 'x-tailor-user-id': userId } : { 'x-tailor-role': 'service' }),
    },
    body: JSON.stringify({ query }),
  });
  return res.json();
}
