/** npm run import -- --items FILE --interactions FILE [--batch N] */
import { SingleBar, Presets } from 'cli-progress';
import { importFiles } from '../ingest/import';
import { fileSize } from '../ingest/lines';
import { announce, changeChannel } from '../db/change-feed';
import { flags, withDatabase } from './database';

async function main() {
  const args = flags(process.argv.slice(2));
  const items = args.get('items');
  const interactions = args.get('interactions');
  if (!items && !interactions) {
    process.stderr.write('usage: npm run import -- [--items FILE] [--interactions FILE] [--batch N]\n');
    process.exit(2);
  }
  await withDatabase(async (db, config) => {
    const bar = new SingleBar(
      { format: '{file} [{bar}] {percentage}% | {value}/{total} KiB | {duration}s', stream: process.stderr },
      Presets.shades_classic,
    );
    let current = '';
    const started = Date.now();
    const report = await importFiles(db, {
      items,
      interactions,
      batchSize: args.has('batch') ? Number(args.get('batch')) : undefined,
      profile: { halfLifeMs: config.personalisation.halfLifeMs, dedupeWindowMs: config.personalisation.dedupeWindowMs },
      onProgress: (file, bytes) => {
        if (file !== current) {
          if (current) bar.stop();
          current = file;
          bar.start(Math.ceil(fileSize(file) / 1024), 0, { file });
        }
        bar.update(Math.floor(bytes / 1024), { file });
      },
      onItemsChanged: () => announce(db, changeChannel(config.database.schema), 'items'),
      clock: config.clock,
    });
    if (current) bar.stop();
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    const i = report.items;
    const e = report.interactions;
    process.stdout.write(
      [
        `items:        read ${i.read}, imported ${i.inserted}, updated ${i.updated}, unchanged ${i.unchanged}, rejected ${i.rejected}`,
        `interactions: read ${e.read}, imported ${e.inserted}, already present ${e.alreadyPresent}, rejected ${e.rejected}; profiles rebuilt for ${e.usersRebuilt} users${e.coOccurrence ? `; co-occurrence rebuilt: ${e.coOccurrence.pairs} pairs over ${e.coOccurrence.items} items` : ''}`,
        `took ${seconds} s (${report.phases.map((p) => `${p.name} ${(p.ms / 1000).toFixed(1)} s`).join(', ')})`,
        ...Object.entries(report.rejectionsByReason).map(([reason, n]) => `rejected ${n} x: ${reason}`),
        ...report.rejections.slice(0, 10).map((r) => `  ${r.file}:${r.line}: ${r.reason}`),
      ].join('\n') + '\n',
    );
  });
}

main().catch((err) => {
  process.stderr.write(`import failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
