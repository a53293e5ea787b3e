/**
 * `npm run bench:generate`: on this machine, the cost of a description one at a time versus
 * batched (10 and 50 items per model call), a cached lookup, and the description work of one
 * request for 10 items through the per-request DataLoader, cold (model) and warm (cache).
 * Runs in a scratch schema of the configured database, dropped at the end.
 */
import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { flags, withDatabase } from '../src/cli/database';
import { tensorflow } from '../src/generation/backend';
import { readItems, defaultItemsFile } from '../src/generation/data';
import { DEFAULT_DECODE, generate } from '../src/generation/decode';
import { DescriptionService, ItemData } from '../src/generation/service';
import { asBundle, importVersion, bundledModelDir, loadVersion, newestVersion, saveVersion, StoredVersion } from '../src/generation/store';
import { itemSlots } from '../src/generation/slots';
import { decodingExample } from '../src/generation/vocabulary';
import { openDatabase } from '../src/db/data-source';
import { normaliseTerm } from '../src/personalisation/tokenise';

const ms = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;

async function main(): Promise<void> {
  const args = flags(process.argv.slice(2));
  const items: ItemData[] = readItems(args.get('items') ?? defaultItemsFile())
    .filter((i) => i.description)
    .slice(0, 120)
    .map((i) => ({ ...i, updatedAt: new Date() }));
  const focusOf = (item: ItemData) => itemSlots(item).filter((s) => s.slot.startsWith('<tag') || s.slot.startsWith('<cat')).slice(0, 2).map((s) => normaliseTerm(s.surface)!);
  await withDatabase(async (main, _config, url) => {
    const id = await newestVersion(main);
    const version: StoredVersion = id ? await loadVersion(main, id) : await importVersion(bundledModelDir());
    const bundle = asBundle(version);
    const lines: string[] = [`backend: ${tensorflow().backend}; model ${version.version}; ${DEFAULT_DECODE.candidates} candidates per description`, ''];
    lines.push('| measure | total ms | ms per description | vs one at a time |', '|---|---|---|---|');
    const ex = (k: number, n: number) => items.slice(k, k + n).map((i) => decodingExample(i, focusOf(i)));
    generate(bundle, ex(100, 2)); // warm-up
    let start = process.hrtime.bigint();
    for (const e of ex(0, 10)) generate(bundle, [e]);
    const single = ms(start) / 10;
    lines.push(`| one at a time (10 calls of 1) | ${(single * 10).toFixed(0)} | ${single.toFixed(1)} | 1.0x |`);
    for (const n of [10, 50]) {
      start = process.hrtime.bigint();
      generate(bundle, ex(10, n));
      const t = ms(start);
      lines.push(`| batched, ${n} in one call | ${t.toFixed(0)} | ${(t / n).toFixed(1)} | ${(single / (t / n)).toFixed(1)}x cheaper |`);
    }
    // Service with its Postgres cache, in a scratch schema.
    const schema = `bench_gen_${randomBytes(4).toString('hex')}`;
    const db = await openDatabase({ url, schema });
    try {
      await db.query(
        `INSERT INTO items (id, title, description, brand, categories, tags) SELECT u.id, u.title, u.description, u.brand, '{}', '{}' FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS u(id, title, description, brand)`,
        [items.map((i) => i.id), items.map((i) => i.title), items.map((i) => i.description), items.map((i) => i.brand)],
      );
      await saveVersion(db, version);
      const service = await DescriptionService.create({ dataSource: db, logger: pino({ level: 'silent' }), pollIntervalMs: 0 });
      const request = () => {
        const loader = service.createLoader();
        return Promise.all(items.slice(60, 70).map((item) => loader.load({ item, focus: focusOf(item) })));
      };
      start = process.hrtime.bigint();
      await request();
      const cold = ms(start);
      start = process.hrtime.bigint();
      const reps = 20;
      for (let i = 0; i < reps; i++) await request();
      const warm = ms(start) / reps;
      start = process.hrtime.bigint();
      for (let i = 0; i < reps; i++) await service.describe([{ item: items[60], focus: focusOf(items[60]) }]);
      const lookup = ms(start) / reps;
      lines.push(`| cached lookup, 1 description | ${lookup.toFixed(1)} | ${lookup.toFixed(1)} | ${(single / lookup).toFixed(0)}x cheaper |`);
      lines.push(`| request for 10 items via DataLoader, cold (1 lookup + 1 model call + 1 insert) | ${cold.toFixed(0)} | ${(cold / 10).toFixed(1)} | ${(single / (cold / 10)).toFixed(1)}x cheaper |`);
      lines.push(`| request for 10 items via DataLoader, warm (1 lookup) | ${warm.toFixed(1)} | ${(warm / 10).toFixed(2)} | ${(single / (warm / 10)).toFixed(0)}x cheaper |`);
      await service.close();
    } finally {
      await db.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await db.destroy();
    }
    process.stdout.write(`${lines.join('\n')}\n`);
  });
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
