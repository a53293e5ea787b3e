/**
 * The real Beauty data (../shared/data/amazon-beauty-s3rec: 12,101 items, 22,363 users, 198,502
 * purchases) in a schema of its own for the benches, imported once and kept between runs: a run
 * finds the schema complete (every migration applied, the interaction count of a finished import)
 * and starts at once; otherwise it converts the release and imports it (about a minute).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../src/config';
import { openDatabase } from '../../src/db/data-source';
import { convertBeautyDir } from '../../src/ingest/converters/beauty';
import { JsonLinesWriter } from '../../src/ingest/converters/jsonl';
import { importFiles } from '../../src/ingest/import';
import { installBundledModel } from '../../src/generation/versions';
import { rebuildCoOccurrence } from '../../src/db/repositories/pairs';
import { DEFAULT_COLLAB } from '../../src/personalisation/collab';
import { projectRoot } from '../../src/util/paths';

export const BEAUTY_SCHEMA = 'bench_beauty';
export const BEAUTY_DIR = join(projectRoot(), '..', 'shared', 'data', 'amazon-beauty-s3rec');
const INTERACTIONS = 198_502;

/** Users of the release, in file order ("u1", "u2", ...). */
export const beautyUsers = (n: number) => Array.from({ length: n }, (_, i) => `u${i + 1}`);

/** Makes sure the Beauty schema is migrated and imported; returns what it did. */
export async function prepareBeauty(databaseUrl: string, log: (line: string) => void): Promise<void> {
  const db = await openDatabase({ url: databaseUrl, schema: BEAUTY_SCHEMA, poolSize: 4 });
  try {
    // The description model shipped with the sample writes the copy here too (stored once).
    await installBundledModel(db);
    // A run's recordInteraction scenario adds events of its own users: take them back out.
    const [{ own }]: { own: number }[] = await db.query(
      `SELECT count(*)::int AS own FROM users WHERE id LIKE 'bench-%'`,
    );
    if (own > 0) {
      await db.query(`DELETE FROM users WHERE id LIKE 'bench-%'`);
      await rebuildCoOccurrence(db, DEFAULT_COLLAB);
      log(`Beauty data: removed the ${own} users an earlier run's recordInteraction added`);
    }
    const [{ n }]: { n: number }[] = await db.query(`SELECT count(*)::int AS n FROM interactions`);
    if (n === INTERACTIONS) {
      log(`Beauty data: found in schema ${BEAUTY_SCHEMA} (${n} interactions), not imported again`);
      return;
    }
    if (n !== 0) throw new Error(`schema ${BEAUTY_SCHEMA} holds ${n} interactions: drop it to import again`);
    const out = join(projectRoot(), '.data', 'converted', 'beauty');
    if (!existsSync(join(out, 'interactions.jsonl'))) {
      mkdirSync(out, { recursive: true });
      const items = new JsonLinesWriter(join(out, 'items.jsonl'));
      const events = new JsonLinesWriter(join(out, 'interactions.jsonl'));
      await convertBeautyDir(
        BEAUTY_DIR,
        (i) => items.write(i),
        (e) => events.write(e),
      );
      await Promise.all([items.close(), events.close()]);
    }
    const config = loadConfig({ DATABASE_URL: databaseUrl, LOG_LEVEL: 'silent' });
    const started = Date.now();
    const report = await importFiles(db, {
      items: join(out, 'items.jsonl'),
      interactions: join(out, 'interactions.jsonl'),
      profile: { halfLifeMs: config.personalisation.halfLifeMs, dedupeWindowMs: config.personalisation.dedupeWindowMs },
      clock: config.clock,
    });
    log(
      `Beauty data: imported ${report.items.inserted} items and ${report.interactions.inserted} interactions into ${BEAUTY_SCHEMA} in ${((Date.now() - started) / 1000).toFixed(0)} s`,
    );
  } finally {
    await db.destroy();
  }
}
