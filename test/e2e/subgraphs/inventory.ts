/**
 * The example's inventory subgraph (examples/gateway/inventory.graphql: Item.inStock,
 * Item.reviews, a User reference) with in-memory data for the tests, keyed by the sample's ids.
 */
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { InventoryData, inventorySchema, sampleInventory } from '../../../examples/gateway/inventory';

/** Every sample item with derived stock, and known stock and reviews for the ids the tests name. */
export function testInventory(
  overrides: { stock?: Record<string, number>; reviews?: InventoryData['reviews']; featured?: string[] } = {},
): InventoryData {
  const data = sampleInventory();
  for (const [id, n] of Object.entries(overrides.stock ?? {})) data.stock.set(id, n);
  for (const [id, reviews] of overrides.reviews ?? []) data.reviews.set(id, reviews);
  if (overrides.featured) data.featured = overrides.featured;
  return data;
}

export async function startInventory(data: InventoryData): Promise<{ url: string; stop(): Promise<void> }> {
  const server = new ApolloServer({ schema: inventorySchema(data) });
  const { url } = await startStandaloneServer(server, { listen: { port: 0, host: '127.0.0.1' } });
  return { url, stop: () => server.stop() };
}
