/**
 * `npm run train -- [--items FILE] [--preset tiny|sample|full] [--seed N] [--export DIR] [--no-progress]`:
 * trains the description generator and discriminator and stores them as a new model version in
 * Postgres (DATABASE_URL, else the embedded database); running processes switch to it by polling.
 */
import { describedItems, defaultItemsFile, readItems, splitOf } from '../generation/data';
import { logBackend } from '../generation/backend';
import { exportVersion, newVersionId, saveVersion, StoredVersion } from '../generation/store';
import { PRESETS, train } from '../generation/train';
import { flags, withDatabase } from './database';

async function main(): Promise<void> {
  const args = flags(process.argv.slice(2));
  const file = args.get('items') ?? defaultItemsFile();
  const preset = PRESETS[args.get('preset') ?? 'full'];
  if (!preset) throw new Error(`unknown preset ${args.get('preset')}: use ${Object.keys(PRESETS).join(', ')}`);
  const seed = Number(args.get('seed') ?? 42);
  const log = (m: string) => process.stderr.write(`${m}\n`);
  logBackend(log);
  const catalogue = readItems(file);
  const described = describedItems(catalogue);
  log(`${file}: ${catalogue.length} items, ${described.length} with a distinct description of more than 10 words`);
  const trained = train(
    described.filter((i) => splitOf(i.id) === 'train'),
    described.filter((i) => splitOf(i.id) === 'validation'),
    catalogue,
    { preset, seed, progress: args.get('no-progress') !== 'true' && process.stderr.isTTY === true, log },
  );
  const version: StoredVersion = {
    version: newVersionId(preset.name),
    vocab: trained.vocab,
    generator: trained.generator,
    pretrained: trained.pretrained,
    discriminator: trained.discriminator,
    config: { ...trained.config, items: file, seed },
    metrics: trained.metrics as unknown as Record<string, unknown>,
  };
  await withDatabase(async (db) => {
    await saveVersion(db, version);
  });
  log(`stored model version ${version.version}`);
  const exportDir = args.get('export');
  if (exportDir) {
    await exportVersion(version, exportDir);
    log(`exported to ${exportDir}`);
  }
  const m = trained.metrics;
  process.stdout.write(
    `${JSON.stringify({ version: version.version, preset: preset.name, seed, trainItems: m.trainItems, vocabulary: m.vocabulary, bestValidationNll: m.bestValidationNll, validationNllAfterAdversarial: m.validationNllAfterAdversarial, discriminatorAccuracy: m.discriminatorPretrainAccuracy, seconds: m.seconds }, null, 2)}\n`,
  );
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
