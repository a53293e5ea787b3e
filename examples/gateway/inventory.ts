/**
 * The example's second subgraph: stock levels and reviews for the sample catalogue's ids, held
 * in memory. `npx tsx examples/gateway/inventory.ts` serves it on INVENTORY_PORT (default 4002);
 * the e2e federation test builds the same schema with data of its own.
 */
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import gql from 'graphql-tag';

export const INVENTORY_SDL_PATH = join(__dirname, 'inventory.graphql');

export interface InventoryReview {
  rating: number;
  text: string;
  authorId: string;
}

export interface InventoryData {
  /** Item id -> units in stock. Ids not listed are unknown to inventory (resolve to null). */
  stock: Map<string, number>;
  /** Item id -> title, inventory's copy of the shop catalogue's (Item.title is @shareable). */
  titles: Map<string, string>;
  reviews: Map<string, InventoryReview[]>;
  featured: string[];
}

export function inventoryTypeDefs() {
  return gql(readFileSync(INVENTORY_SDL_PATH, 'utf8'));
}

export function inventorySchema(data: InventoryData) {
  const item = (id: string) => (data.stock.has(id) ? { id } : null);
  return buildSubgraphSchema([
    {
      typeDefs: inventoryTypeDefs(),
      resolvers: {
        Query: {
          featuredItems: () => data.featured.map((id) => ({ id })),
          searchItems: (_: unknown, { text }: { text: string }) =>
            [...data.titles]
              .filter(([, title]) => title.toLowerCase().includes(text.toLowerCase()))
              .sort((a, b) => (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0))
              .slice(0, 100)
              .map(([id]) => ({ id })),
        },
        Item: {
          __resolveReference: ({ id }: { id: string }) => item(id),
          title: ({ id }: { id: string }) => data.titles.get(id) ?? '',
          inStock: ({ id }: { id: string }) => (data.stock.get(id) ?? 0) > 0,
          reviews: ({ id }: { id: string }) => (data.reviews.get(id) ?? []).map((r) => ({ ...r, author: { id: r.authorId } })),
        },
      },
    },
  ]);
}

/** Stock and a review or two for every item of the shipped sample, derived from each id. */
export function sampleInventory(itemsFile = join(__dirname, '..', '..', 'data', 'sample', 'items.jsonl')): InventoryData {
  const items = readFileSync(itemsFile, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as { id: string; title: string });
  const ids = items.map((i) => i.id);
  const titles = new Map(items.map((i) => [i.id, i.title]));
  const stock = new Map<string, number>();
  const reviews = new Map<string, InventoryReview[]>();
  for (const id of ids) {
    const h = createHash('sha256').update(id).digest();
    stock.set(id, h[0] % 5 === 0 ? 0 : h[1] % 40);
    if (h[2] % 3 === 0) {
      const author = `sim-user-${String((h[3] % 60) + 1).padStart(3, '0')}`;
      reviews.set(id, [{ rating: (h[4] % 5) + 1, text: h[4] % 2 ? 'Arrives on time, worth every issue.' : 'Thinner than it used to be.', authorId: author }]);
    }
  }
  return { stock, titles, reviews, featured: ids.slice(0, 5) };
}

if (require.main === module) {
  const port = Number(process.env.INVENTORY_PORT ?? 4002);
  const server = new ApolloServer({ schema: inventorySchema(sampleInventory()) });
  startStandaloneServer(server, { listen: { port } }).then(
    ({ url }) => console.log(`inventory subgraph at ${url}`),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
