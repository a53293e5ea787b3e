/**
 * `npm run train:ranker` on real Postgres: the ranker learns from the interaction log in the
 * database and is stored as a model version of kind 'ranker' that loads back as a valid model.
 */
import { trainRankerFromDatabase } from '../../src/cli/train-ranker';
import { findNewestRanker, streamItemEvents } from '../../src/db/repositories/ranker';
import { checkModel, RankerModel } from '../../src/personalisation/ranker/model';
import { seededRandom } from '../../src/util/random';
import { daysAgo, testConfig } from '../support/config';
import { createTestDatabase, TestDatabase } from '../support/db';
import { insertInteractions, insertItems, item, LoggedInteraction } from '../support/factories';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => db.close());

/**
 * 40 items in four tag groups; 80 users who each view three random items, then buy a_k and b_k,
 * then a_j and b_j (k, j in 0..4, j != k): "b is bought next after its a" is the planted signal.
 * Each user's latest item b_j is what the ranker learns to put first; the pair a_j -> b_j is known
 * from other users' earlier purchases (the training part of the log).
 */
async function plantedLog(): Promise<void> {
  const random = seededRandom(5);
  const ids = Array.from({ length: 30 }, (_, i) => `x${i}`);
  await insertItems(db.dataSource, [
    ...ids.map((id, i) => item(id, { tags: [`group${i % 4}`, `t${i}`] })),
    ...Array.from({ length: 5 }, (_, k) => item(`a${k}`, { tags: [`group${k % 4}`, `pair${k}`] })),
    ...Array.from({ length: 5 }, (_, k) => item(`b${k}`, { tags: [`group${(k + 1) % 4}`] })),
  ]);
  const events: LoggedInteraction[] = [];
  for (let u = 0; u < 80; u++) {
    const k = u % 5;
    const j = (k + 1 + (Math.floor(u / 5) % 4)) % 5;
    const seen = new Set<string>();
    while (seen.size < 3) seen.add(ids[Math.floor(random() * ids.length)]);
    const sequence = [...seen, `a${k}`, `b${k}`, `a${j}`, `b${j}`];
    sequence.forEach((itemId, step) =>
      events.push({
        userId: `u${u}`,
        itemId,
        kind: step < 3 ? 'VIEW' : 'PURCHASE',
        occurredAt: daysAgo(10 - step, u * 1000),
      }),
    );
  }
  await insertInteractions(db.dataSource, events);
}

describe('train:ranker', () => {
  it('learns the planted next item from the log and stores a version that loads', async () => {
    await plantedLog();
    const trained = await trainRankerFromDatabase(db.dataSource, testConfig(), { epochs: 15, learningRate: 0.05 });
    expect(trained.users).toBe(80);
    // Every b_j has co-occurrence evidence from a_j, so it is among its user's candidates.
    expect(trained.candidateRecall).toBe(1);
    // Ten candidates of 40 at random would hold it a quarter of the time.
    expect(trained.heldOut.hr).toBeGreaterThanOrEqual(0.9);

    const stored = await findNewestRanker(db.dataSource);
    expect(stored?.id).toBe(trained.id);
    const model = checkModel(stored!.model as RankerModel);
    expect(model.weights.flat().some((w) => w !== 0)).toBe(true);
    expect(stored!.metrics).toMatchObject({ users: 80 });
  }, 120_000);

  it('reads the log page by page, every event once, in order', async () => {
    const seen: string[] = [];
    for await (const page of streamItemEvents(db.dataSource, 37))
      for (const e of page) seen.push(`${e.userId}/${e.itemId}/${e.occurredAt.toISOString()}`);
    expect(seen).toHaveLength(80 * 7);
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('a second training becomes the newest version', async () => {
    const first = await findNewestRanker(db.dataSource);
    const second = await trainRankerFromDatabase(db.dataSource, testConfig(), { epochs: 2 });
    expect(second.id).not.toBe(first!.id);
    expect((await findNewestRanker(db.dataSource))!.id).toBe(second.id);
  }, 120_000);
});
