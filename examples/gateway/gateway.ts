/**
 * A runnable Apollo Gateway in front of tailor and the example inventory subgraph.
 *
 *   npm start                                   # tailor on :4001 (embedded Postgres, sample data)
 *   npx tsx examples/gateway/gateway.ts         # inventory on :4002 and the gateway on :4000
 *
 * The gateway composes the subgraphs it is pointed at (IntrospectAndCompose), or serves a
 * supergraph composed ahead of time (SUPERGRAPH=supergraph.graphql, e.g. from
 * `npm run supergraph -- --only supergraph` or `rover supergraph compose`). It decides who asks
 * (here: the client's x-user-id header; in production, a verified token) and forwards it to
 * tailor the trusted way: x-tailor-user-id with the shared GATEWAY_SECRET.
 */
import { readFileSync } from 'node:fs';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { ApolloGateway, IntrospectAndCompose, RemoteGraphQLDataSource } from '@apollo/gateway';
import { inventorySchema, sampleInventory } from './inventory';

export interface GatewayContext {
  userId: string | null;
}

/** Forwards who asks: to tailor with the gateway secret when one is set, else as the dev header. */
export class IdentityForwardingDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(url: string, private readonly gatewaySecret: string | undefined) {
    super({ url });
  }

  override willSendRequest({ request, context }: Parameters<NonNullable<RemoteGraphQLDataSource<GatewayContext>['willSendRequest']>>[0]) {
    const userId = (context as GatewayContext | undefined)?.userId;
    if (!userId || !request.http) return;
    if (this.gatewaySecret) {
      request.http.headers.set('x-tailor-gateway-secret', this.gatewaySecret);
      request.http.headers.set('x-tailor-user-id', userId);
    }
    request.http.headers.set('x-user-id', userId);
  }
}

async function main(): Promise<void> {
  const tailorUrl = process.env.TAILOR_URL ?? 'http://localhost:4001/graphql';
  let inventoryUrl = process.env.INVENTORY_URL;
  if (!inventoryUrl) {
    const inventory = new ApolloServer({ schema: inventorySchema(sampleInventory()) });
    inventoryUrl = (await startStandaloneServer(inventory, { listen: { port: Number(process.env.INVENTORY_PORT ?? 4002) } })).url;
    console.log(`inventory subgraph at ${inventoryUrl}`);
  }
  const secret = process.env.GATEWAY_SECRET;
  const gateway = new ApolloGateway({
    ...(process.env.SUPERGRAPH
      ? { supergraphSdl: readFileSync(process.env.SUPERGRAPH, 'utf8') }
      : { supergraphSdl: new IntrospectAndCompose({ subgraphs: [{ name: 'tailor', url: tailorUrl }, { name: 'inventory', url: inventoryUrl }] }) }),
    buildService: ({ url }) => new IdentityForwardingDataSource(url!, secret),
  });
  const server = new ApolloServer<GatewayContext>({ gateway });
  const { url } = await startStandaloneServer(server, {
    listen: { port: Number(process.env.PORT ?? 4000) },
    context: ({ req }) => Promise.resolve({ userId: typeof req.headers['x-user-id'] === 'string' ? req.headers['x-user-id'] : null }),
  });
  console.log(`gateway at ${url}`);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
