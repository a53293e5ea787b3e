/**
 * Converts the real datasets in ../shared/data into tailor's JSON Lines import format, and
 * builds the shipped sample in data/sample. Prints what was read, written and dropped (why).
 *
 *   tsx src/cli/convert.ts magazines --in meta_Magazine_Subscriptions.json.gz [--reviews FILE] --out DIR
 *   tsx src/cli/convert.ts beauty --in DIR_WITH_Beauty.txt --out DIR
 *   tsx src/cli/convert.ts sample [--in meta_Magazine_Subscriptions.json.gz] [--size 300] [--users 60] [--seed N] --out data/sample
 */
import { writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { convertBeautyDir, DEFAULT_BEAUTY_TIMES } from '../ingest/converters/beauty';
import type { InteractionRecord } from '../ingest/converters/format';
import { JsonLinesWriter, writeJsonLines } from '../ingest/converters/jsonl';
import { convertMagazinesFile } from '../ingest/converters/magazines';
import { BEAUTY_CITATION, counts, MAGAZINES_CITATION } from '../ingest/converters/provenance';
import { convertReviewsFile } from '../ingest/converters/reviews';
import { chooseSample } from '../ingest/converters/sample';
import { DEFAULT_SIMULATION, simulateUsers } from '../ingest/converters/simulate';
import { projectRoot } from '../util/paths';

const USAGE =
  'usage: convert (magazines --in FILE [--reviews FILE] | beauty --in DIR | sample [--in FILE] [--size N] [--users N] [--seed N]) --out DIR';

function defaultMagazinesFile(): string {
  return join(projectRoot(), '..', 'shared', 'data', 'amazon-magazines-2018', 'meta_Magazine_Subscriptions.json.gz');
}

async function magazines(input: string, reviews: string | undefined, out: string): Promise<void> {
  const catalogue = await convertMagazinesFile(input);
  await writeJsonLines(join(out, 'items.jsonl'), catalogue.items);
  const interactions = new JsonLinesWriter(join(out, 'interactions.jsonl'));
  const reviewTally = reviews
    ? await convertReviewsFile(reviews, catalogue.keptId, (e) => interactions.write(e))
    : null;
  await interactions.close();
  const report = {
    items: catalogue.tally.toJSON(),
    catalogue: catalogue.stats,
    reviews: reviewTally?.toJSON() ?? 'no --reviews file given: interactions.jsonl is empty',
  };
  writeFileSync(
    join(out, 'SOURCE.md'),
    `# Amazon 2018 Magazine Subscriptions, converted for tailor\n\nConverted by \`src/cli/convert.ts magazines\` from \`${input}\`` +
      (reviews ? ` and reviews \`${reviews}\` (each review a PURCHASE at its unixReviewTime)` : '') +
      `.\nCite: ${MAGAZINES_CITATION}\n\nTitles are derived (see src/ingest/converters/title.ts); duplicate listings are merged (\`attributes.merged_asins\`).\n\n` +
      counts(report),
  );
  console.log(JSON.stringify(report, null, 2));
}

async function beauty(input: string, out: string): Promise<void> {
  const items = new JsonLinesWriter(join(out, 'items.jsonl'));
  const interactions = new JsonLinesWriter(join(out, 'interactions.jsonl'));
  const result = await convertBeautyDir(
    input,
    (i) => items.write(i),
    (e) => interactions.write(e),
  );
  await Promise.all([items.close(), interactions.close()]);
  const times = `each user's last purchase at ${DEFAULT_BEAUTY_TIMES.end.toISOString()}, earlier ones one day apart per step (synthetic times; only the order within a user is real)`;
  const report = {
    items: result.items.toJSON(),
    users: result.users.toJSON(),
    interactionsWritten: result.interactions,
    times,
  };
  writeFileSync(
    join(out, 'SOURCE.md'),
    `# Amazon Beauty 5-core (S3-Rec release), converted for tailor\n\nConverted by \`src/cli/convert.ts beauty\` from \`${input}\`.\nCite: ${BEAUTY_CITATION}\n\n` +
      `Items are titled "Beauty item N" (id "iN"); tags are the opaque attribute ids as "aK"; users are "uN"; every interaction is a PURCHASE.\nTimes: ${times}.\n\n` +
      counts(report),
  );
  console.log(JSON.stringify(report, null, 2));
}

async function sample(input: string, out: string, size: number, users: number, seed: number): Promise<void> {
  const catalogue = await convertMagazinesFile(input);
  const items = chooseSample(catalogue.items, size);
  const options = { ...DEFAULT_SIMULATION, users, seed };
  const interactions: InteractionRecord[] = simulateUsers(items, options);
  await writeJsonLines(join(out, 'items.jsonl'), items);
  await writeJsonLines(join(out, 'interactions.jsonl'), interactions);
  const kinds: Record<string, number> = {};
  for (const e of interactions) kinds[e.kind] = (kinds[e.kind] ?? 0) + 1;
  const links = (key: string) => items.reduce((n, i) => n + ((i.attributes[key] as unknown[]) ?? []).length, 0);
  const report = {
    items: items.length,
    alsoBuyLinks: links('also_buy'),
    alsoViewLinks: links('also_view'),
    users,
    interactions: interactions.length,
    kinds,
    seed,
    period: `${new Date(options.end.getTime() - options.days * 86_400_000).toISOString()} .. ${options.end.toISOString()}`,
    catalogue: catalogue.tally.toJSON(),
  };
  writeFileSync(join(out, 'SOURCE.md'), sampleSource(relative(projectRoot(), resolve(input)), report));
  console.log(JSON.stringify(report, null, 2));
}

function sampleSource(input: string, report: { items: number; users: number; seed: number; period: string }): string {
  return `# Sample data: real magazines, simulated users

Built by \`npm run convert -- sample --out data/sample\` (deterministic: same input and seed, same files).

## items.jsonl: real
${report.items} real products from Amazon Review Data (2018), product metadata, category "Magazine Subscriptions"
(\`${input}\`), with their real descriptions, categories, publishers and also_buy / also_view links.
Cite: ${MAGAZINES_CITATION}
The publishers make the data available for research use; keep this citation with any derived file.

Cleaning (src/ingest/converters/magazines.ts): HTML stripped and entities decoded; display titles derived
from the description (the scraped titles are broken HTML) or else the publisher; repeated and duplicate
listings merged; tags are the leaf category, the publisher and the description's top TF-IDF words.
Chosen as a connected, well-described subset: items with descriptions of more than ten words, grown
greedily from the best-linked one by links into the chosen set; links are restricted to the sample.

## interactions.jsonl: SIMULATED
The users (\`sim-user-001\` ...) are **not real people**: ${report.users} users simulated by seeded random walks
(src/ingest/converters/simulate.ts, seed ${report.seed}) over the real also_buy / also_view graph. Mostly VIEW,
some ADD_TO_CART and PURCHASE, a few SEARCH whose query is one of the viewed item's tags. Times fall in
${report.period}. Do not report results on these users as if they were real behaviour.

${counts(report)}`;
}

async function main(): Promise<void> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      in: { type: 'string' },
      out: { type: 'string' },
      reviews: { type: 'string' },
      size: { type: 'string', default: '300' },
      users: { type: 'string', default: String(DEFAULT_SIMULATION.users) },
      seed: { type: 'string', default: String(DEFAULT_SIMULATION.seed) },
    },
  });
  const command = positionals[0];
  if (!values.out || !command) throw new Error(USAGE);
  const out = resolve(values.out);
  mkdirSync(out, { recursive: true });
  if (command === 'magazines' || command === 'beauty') {
    if (!values.in) throw new Error(USAGE);
    if (!existsSync(values.in)) throw new Error(`input not found: ${values.in}`);
    if (command === 'magazines') await magazines(values.in, values.reviews, out);
    else await beauty(values.in, out);
  } else if (command === 'sample') {
    const input = values.in ?? defaultMagazinesFile();
    if (!existsSync(input)) throw new Error(`input not found: ${input}`);
    await sample(input, out, Number(values.size), Number(values.users), Number(values.seed));
  } else {
    throw new Error(USAGE);
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
