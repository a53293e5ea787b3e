/** Loads the shipped sample (real magazines, simulated users) through the ordinary importer. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import type { Config } from '../config';
import type { Logger } from '../logger';
import { projectRoot } from '../util/paths';
import { installBundledModel } from '../generation/versions';
import { importFiles } from './import';

export function sampleFiles(): { items: string; interactions: string } {
  const dir = join(projectRoot(), 'data', 'sample');
  return { items: join(dir, 'items.jsonl'), interactions: join(dir, 'interactions.jsonl') };
}

export async function seedSample(db: DataSource, config: Config, logger: Logger) {
  const files = sampleFiles();
  if (!existsSync(files.items)) throw new Error(`the sample catalogue is missing: ${files.items}`);
  const report = await importFiles(db, {
    items: files.items,
    interactions: existsSync(files.interactions) ? files.interactions : undefined,
    profile: { halfLifeMs: config.personalisation.halfLifeMs, dedupeWindowMs: config.personalisation.dedupeWindowMs },
    clock: config.clock,
  });
  if (report.items.rejected + report.interactions.rejected > 0) {
    logger.warn({ rejections: report.rejections.slice(0, 5) }, 'some sample lines were rejected');
  }
  // The description model trained on this sample ships with it, so descriptions work at once.
  const modelVersion = await installBundledModel(db);
  return {
    items: report.items.inserted + report.items.updated,
    interactions: report.interactions.inserted,
    modelVersion,
  };
}
