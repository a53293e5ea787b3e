/**
 * `npm run train -- [--items FILE] [--seed N] [--epochs N] [--export DIR] [--no-progress]`:
 * trains the copy policy (the generator) and the discriminator on the shop's catalogue, read from
 * the database by default (DATABASE_URL, else the embedded one) or from a JSON Lines / raw Amazon
 * file with --items, and stores them as a new model version; running processes switch to it at
 * once (NOTIFY) or at their next poll.
 */
import { SingleBar } from 'cli-progress';
import { prepare, Prepared } from '../generation/prepare';
import { logBackend } from '../generation/backend';
import { readItems, splitOf, CatalogueItem } from '../generation/data';
import { BUILTIN_FORMS } from '../generation/lead';
import { mineLeadForms } from '../generation/train/mine';
import { DEFAULT_SETTINGS, train } from '../generation/train/reinforce';
import {
  DISCRIMINATOR_FORMAT,
  exportVersion,
  newVersionId,
  POLICY_FORMAT,
  saveVersion,
  StoredVersion,
} from '../generation/versions';
import { streamItemCopyFields } from '../db/repositories/items';
import { announce, changeChannel } from '../db/change-feed';
import { flags, withDatabase } from './database';

const log = (m: string) => process.stderr.write(`${m}\n`);

/** Segments every item (the slow half of preparing the training data), with a progress bar. */
function prepareAll(items: CatalogueItem[], progress: boolean): Prepared[] {
  const bar = progress
    ? new SingleBar({ format: 'segment [{bar}] {value}/{total} items | {eta_formatted} left' })
    : undefined;
  bar?.start(items.length, 0);
  const out = items.map((item, i) => {
    if (i % 100 === 0) bar?.update(i);
    return prepare(item);
  });
  bar?.update(items.length);
  bar?.stop();
  return out;
}

async function main(): Promise<void> {
  const args = flags(process.argv.slice(2));
  const seed = Number(args.get('seed') ?? DEFAULT_SETTINGS.seed);
  const epochs = Number(args.get('epochs') ?? DEFAULT_SETTINGS.epochs);
  const progress = args.get('no-progress') !== 'true' && process.stderr.isTTY === true;
  const file = args.get('items');
  logBackend(log);
  await withDatabase(async (db, config) => {
    let items: CatalogueItem[] = [];
    if (file) items = readItems(file);
    else
      for await (const rows of streamItemCopyFields(db))
        items.push(...rows.map((r) => ({ ...r, categories: r.categories ?? [], tags: r.tags ?? [] })));
    const source = file ?? 'the catalogue in the database';
    const started = Date.now();
    const prepared = prepareAll(items, progress).filter((p) => p.sentences.some((s) => s.usable));
    log(`${source}: ${items.length} items, ${prepared.length} with a description to learn from`);
    if (prepared.length === 0) throw new Error('no item has a description to learn from: import a catalogue first');
    const trainItems = prepared.filter((p) => splitOf(p.item.id) === 'train');
    const inventory = [...BUILTIN_FORMS, ...mineLeadForms(trainItems.map((p) => p.sentences))];
    log(
      `lead forms mined from the copy: ${
        inventory
          .filter((f) => f.origin === 'mined')
          .map((f) => `"${f.words}"`)
          .join(', ') || 'none'
      }`,
    );
    const trained = train({
      train: trainItems,
      validation: prepared.filter((p) => splitOf(p.item.id) === 'validation'),
      inventory,
      settings: { seed, epochs },
      progress,
      log,
    });
    const seconds = (Date.now() - started) / 1000;
    const version: StoredVersion = {
      version: newVersionId(`s${seed}`),
      policy: await trained.policy.artifacts(POLICY_FORMAT),
      discriminator: await trained.discriminator.artifacts(DISCRIMINATOR_FORMAT),
      config: { inventory, seed, epochs, items: source },
      metrics: { ...trained.metrics, secondsWithSegmentation: seconds },
    };
    await saveVersion(db, version);
    await announce(db, changeChannel(config.database.schema), 'models');
    log(`stored model version ${version.version} (${seconds.toFixed(0)} s in all)`);
    const exportDir = args.get('export');
    if (exportDir) {
      exportVersion(version, exportDir);
      log(`exported to ${exportDir}`);
    }
    const m = trained.metrics;
    process.stdout.write(
      `${JSON.stringify({ version: version.version, seed, trainItems: m.trainItems, leadForms: m.leadForms, validationRewardUntrained: m.validationRewardUntrained, validationRewardTrained: m.validationRewardTrained, seconds }, null, 2)}\n`,
    );
  });
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
