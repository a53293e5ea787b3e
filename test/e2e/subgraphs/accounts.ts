/**
 * A small accounts subgraph for the federation tests: it owns User.email, answers `me` for the
 * user the gateway forwards, and references tailor's User by the same key. In-memory data for
 * the sample's simulated users.
 */
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import gql from 'graphql-tag';

export const accountsTypeDefs = gql`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])

  # User and User.id are tailor's too: no description here, so composition has none to reconcile.
  type User @key(fields: "id") {
    id: ID!
    "Where the shop writes to this user."
    email: String!
  }

  type Query {
    "The user the request is made for."
    me: User
  }
`;

export interface Account {
  id: string;
  email: string;
}

/** The sample's 60 simulated users, plus accounts tailor has never seen. */
export function sampleAccounts(extra: string[] = []): Map<string, Account> {
  const ids = [...Array.from({ length: 60 }, (_, i) => `sim-user-${String(i + 1).padStart(3, '0')}`), ...extra];
  return new Map(ids.map((id) => [id, { id, email: `${id}@example.test` }]));
}

interface AccountsContext {
  userId: string | null;
}

export async function startAccounts(accounts: Map<string, Account>): Promise<{ url: string; stop(): Promise<void> }> {
  const server = new ApolloServer<AccountsContext>({
    schema: buildSubgraphSchema([
      {
        typeDefs: accountsTypeDefs,
        resolvers: {
          Query: {
            me: (_: unknown, __: unknown, { userId }: AccountsContext) =>
              userId ? (accounts.get(userId) ?? null) : null,
          },
          User: { __resolveReference: ({ id }: { id: string }) => accounts.get(id) ?? null },
        },
      },
    ]),
  });
  const { url } = await startStandaloneServer(server, {
    listen: { port: 0, host: '127.0.0.1' },
    context: ({ req }) =>
      Promise.resolve({ userId: typeof req.headers['x-user-id'] === 'string' ? req.headers['x-user-id'] : null }),
  });
  return { url, stop: () => server.stop() };
}
