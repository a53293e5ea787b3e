/**
 * `npm run train:ranker -- [--epochs N] [--seed N]`: trains the learned ranker (issue 17) from the
 * interaction log and catalogue in the database (DATABASE_URL, else the embedded one) and stores
 * it as a model version of kind 'ranker'.
 *
 * Each user's latest item is what the ranker learns to put first, from everything before it
 * (co-occurrence, popularity and profiles are built from those earlier events only); one user in
 * five is held out to choose the epoch. The profile and JACCARD settings are the service's own
 * (config.ts), so the features are the ones it will compute when serving.
 */
import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { Config } from '../config';
import { insertRanker, streamItemEvents, streamItemFacts } from '../db/repositories/ranker';
import { byUser, EvalInteraction, EvalItem } from '../evaluation/data';
import { rankingGroups } from '../evaluation/learned';
import { cases } from '../evaluation/leave-one-out';
import { logBackend, tf } from '../generation/backend';
import { RecommendationEngine } from '../personalisation/engine';
import { TermCounter } from '../personalisation/index/vocabulary';
import { DEFAULT_TRAIN, TrainOptions, trainRanker } from '../personalisation/ranker/train';
import { flags, withDatabase } from './database';

export interface TrainedRanker {
  id: string;
  users: number;
  candidateRecall: number;
  heldOut: { hr: number; ndcg: number; users: number };
  seconds: number;
}

/** Reads the log and catalogue, trains, stores a version; returns what was stored. */
export async function trainRankerFromDatabase(
  db: DataSource,
  config: Config,
  options: Partial<TrainOptions> = {},
  log: (line: string) => void = () => undefined,
): Promise<TrainedRanker> {
  const started = Date.now();
  const items: EvalItem[] = [];
  for await (const rows of streamItemFacts(db))
    for (const r of rows)
      items.push({ id: r.id, tags: r.tags, categories: r.categories, brand: r.brand, price: r.price, attributes: {} });
  const events: EvalInteraction[] = [];
  for await (const rows of streamItemEvents(db))
    for (const r of rows)
      events.push({
        userId: r.userId,
        itemId: r.itemId,
        kind: r.kind,
        occurredAtMs: r.occurredAt.getTime(),
        query: null,
      });
  log(`${items.length} items, ${events.length} item events`);
  const users = byUser(events);
  const counter = new TermCounter();
  const terms = new Map(items.map((i) => [i.id, counter.counts(i)]));
  const engine = RecommendationEngine.build(items, { jaccardTopN: config.personalisation.jaccardTopN });
  // The latest item of every user with one before it is a training target.
  const set = rankingGroups(engine, items, cases(users, 'test'), (id) => terms.get(id), {
    halfLifeMs: config.personalisation.halfLifeMs,
  });
  const train = set.groups.filter((_, i) => i % 5 !== 0);
  const hold = set.groups.filter((_, i) => i % 5 === 0);
  if (train.every((g) => g.target < 0))
    throw new Error(
      'no user has a later item among the candidates of the earlier ones: not enough history to train on',
    );
  log(`${set.groups.length} users; the candidates hold the next item for ${(100 * set.ceiling).toFixed(1)}%`);
  const settings = { ...DEFAULT_TRAIN, ...options, log };
  const { model, epochs } = trainRanker(tf(), train, hold, settings);
  const best = epochs.reduce((a, b) => (b.hold.hr > a.hold.hr ? b : a));
  const id = `ranker-${new Date().toISOString().replace(/[-:.TZ]/g, '')}-${randomBytes(3).toString('hex')}`;
  const result: TrainedRanker = {
    id,
    users: set.groups.length,
    candidateRecall: set.ceiling,
    heldOut: best.hold,
    seconds: (Date.now() - started) / 1000,
  };
  await insertRanker(db, {
    id,
    model,
    config: { ...settings, log: undefined, dropped: undefined, chosenEpoch: best.epoch + 1 },
    metrics: { ...result },
  });
  return result;
}

async function main(): Promise<void> {
  const args = flags(process.argv.slice(2));
  const options: Partial<TrainOptions> = {};
  if (args.has('epochs')) options.epochs = Number(args.get('epochs'));
  if (args.has('seed')) options.seed = Number(args.get('seed'));
  const log = (m: string) => process.stderr.write(`${m}\n`);
  logBackend(log);
  await withDatabase(async (db, config) => {
    const r = await trainRankerFromDatabase(db, config, options, log);
    log(
      `stored ranker version ${r.id}: held-out HR@10 ${r.heldOut.hr.toFixed(4)}, NDCG@10 ${r.heldOut.ndcg.toFixed(4)} (${r.heldOut.users} users), ${r.seconds.toFixed(1)} s`,
    );
  });
}

if (require.main === module)
  main().catch((e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  });
