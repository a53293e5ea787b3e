/**
 * `npm run eval:generate -- [--items FILE] [--split test|validation] [--model-dir DIR | --version ID]
 * [--max-words N] [--out FILE]`: evaluates the copy writer on the held-out items of the real
 * catalogue (settings are chosen on `--split validation`, never on test): the items' own
 * sentences, the template baseline, the removed GRU generator (its recorded texts), the untrained
 * policy (a fresh database) and the trained one, side by side; then the same for the home and
 * beauty test catalogue. Writes a Markdown report (docs/evaluation-generate.md by default).
 */
import type * as TF from '@tensorflow/tfjs';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Reader } from '../generation/arrange';
import { prepare, Prepared } from '../generation/prepare';
import { describedItems, readItems, splitOf } from '../generation/data';
import { DISCRIMINATOR_INPUTS, textFeatures } from '../generation/features';
import { catalogueLexicon } from '../generation/grounding';
import { templateDescription } from '../generation/template';
import { Scorer } from '../generation/train/networks';
import { bundledModelDir, importVersion, loadVersion, newestVersion, toCopyModel } from '../generation/versions';
import { CopyModel, UNTRAINED, write, Written } from '../generation/writer';
import {
  fluency,
  Fluency,
  grounding,
  leadFills,
  personalisation,
  termFrequencies,
  twoReaders,
} from '../evaluation/copy';
import { parsesWithoutNulls } from '../evaluation/link-grammar';
import { tf } from '../generation/backend';
import { projectRoot } from '../util/paths';
import { seededRandom, shuffle } from '../util/random';
import { flags, withDatabase } from './database';

const pct = (x: number) => (Number.isFinite(x) ? `${(100 * x).toFixed(1)}%` : 'n/a');
const share = (f: Fluency) => `${pct(f.share)} (${f.parsed}/${f.sentences})`;

async function modelFrom(args: Map<string, string>): Promise<CopyModel> {
  const dir = args.get('model-dir');
  if (dir) return toCopyModel(importVersion(dir));
  if (args.get('version') || process.env.DATABASE_URL) {
    return withDatabase(async (db) => {
      const id = args.get('version') ?? (await newestVersion(db));
      if (!id) throw new Error('no model version stored: run `npm run train` first, or pass --model-dir');
      return toCopyModel(await loadVersion(db, id));
    });
  }
  return toCopyModel(importVersion(bundledModelDir()));
}

interface SystemTexts {
  a: Written[];
  b: Written[];
  ms: number;
}

function writeAll(prepared: readonly Prepared[], readers: readonly [Reader, Reader][], model: CopyModel): SystemTexts {
  const started = process.hrtime.bigint();
  const a = prepared.map((p, i) => write(p, readers[i][0], model));
  const ms = Number(process.hrtime.bigint() - started) / 1e6 / prepared.length;
  const b = prepared.map((p, i) => write(p, readers[i][1], model));
  return { a, b, ms };
}

/**
 * A classifier two-sample test (Lopez-Paz and Oquab 2017): a fresh discriminator, trained to tell
 * real copy from a system's texts on one split, classifies another; 50% means it cannot tell.
 */
function c2st(
  trainSet: { real: Float64Array[]; fake: Float64Array[] },
  testSet: { real: Float64Array[]; fake: Float64Array[] },
): number {
  const t = tf();
  const d = Scorer.create({ inputs: DISCRIMINATOR_INPUTS, hidden: 24, activation: 'relu' }, 1234);
  const opt = t.train.adam(0.01);
  const rows = [...trainSet.real, ...trainSet.fake];
  const x = t.tensor2d(Float32Array.from(rows.flatMap((r) => [...r])), [rows.length, DISCRIMINATOR_INPUTS]);
  const y = t.tensor1d(Float32Array.from(rows, (_, i) => (i < trainSet.real.length ? 1 : 0)));
  for (let i = 0; i < 300; i++)
    opt.minimize(() => t.losses.sigmoidCrossEntropy<TF.Tensor, TF.Scalar>(y, d.apply(x)), false, d.variables);
  const test = [...testSet.real, ...testSet.fake];
  const logits = d
    .apply(t.tensor2d(Float32Array.from(test.flatMap((r) => [...r])), [test.length, DISCRIMINATOR_INPUTS]))
    .dataSync();
  let correct = 0;
  logits.forEach((z, i) => (correct += z > 0 === i < testSet.real.length ? 1 : 0));
  d.dispose();
  return correct / test.length;
}

function features(
  prepared: readonly Prepared[],
  readers: readonly [Reader, Reader][],
  texts: readonly Written[],
  model: CopyModel,
): { real: Float64Array[]; fake: Float64Array[] } {
  const real: Float64Array[] = [];
  const fake: Float64Array[] = [];
  prepared.forEach((p, i) => {
    const reader = readers[i][0];
    const own = p.sentences.filter((s) => s.usable);
    let used = 0;
    const opening = [];
    for (const s of own) {
      if (used + s.words > reader.maxWords) break;
      opening.push({
        text: s.text,
        anaphoric: opening.length > 0 && s.anaphoric,
        complete: p.complete[s.index],
        content: p.content[s.index],
      });
      used += s.words;
    }
    if (opening.length === 0) return;
    real.push(textFeatures(opening, reader.maxWords, p.item.title));
    const body = texts[i].leadText ? texts[i].text.slice(texts[i].leadText.length) : texts[i].text;
    const again = prepare({ ...p.item, description: body });
    fake.push(
      textFeatures(
        again.sentences.map((s) => ({
          text: s.text,
          anaphoric: s.index > 0 && s.anaphoric,
          complete: again.complete[s.index],
          content: again.content[s.index],
        })),
        reader.maxWords,
        p.item.title,
      ),
    );
  });
  void model;
  return { real, fake };
}

async function main(): Promise<void> {
  const args = flags(process.argv.slice(2));
  const file = args.get('items') ?? join(projectRoot(), '.data', 'converted', 'magazines', 'items.jsonl');
  if (!existsSync(file))
    throw new Error(`${file} not found: run the magazines converter first (README, "Training the description model")`);
  const split = args.get('split') ?? 'test';
  if (split !== 'test' && split !== 'validation') throw new Error('--split is test or validation');
  const maxWords = Number(args.get('max-words') ?? 60);
  const out = args.get('out') ?? join(projectRoot(), 'docs', 'evaluation-generate.md');
  const catalogue = readItems(file);
  const df = termFrequencies(catalogue);
  const lexicon = catalogueLexicon(catalogue);
  const trained = await modelFrom(args);
  const items = describedItems(catalogue).filter((i) => splitOf(i.id) === split);
  const prepared = items.map(prepare);
  const random = seededRandom(7);
  const readers = prepared.map((p) => twoReaders(p, df, random, maxWords));
  const log = (m: string) => process.stderr.write(`${m}\n`);

  // Warm-up (the tagger's first calls, the JIT), then the systems.
  writeAll(prepared.slice(0, 5), readers.slice(0, 5), UNTRAINED);
  const untrained = writeAll(prepared, readers, UNTRAINED);
  const learned = writeAll(prepared, readers, trained);
  const template = prepared.map((p, i) => ({ text: templateDescription(p.item, readers[i][0].focus) }));
  const gruFile = join(projectRoot(), 'docs', 'data', 'gru-heldout.jsonl');
  const gruRows = readFileSync(gruFile, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { split: string; id: string; text: string });
  const gruById = new Map(gruRows.filter((r) => r.split === split).map((r) => [r.id, r.text]));
  const gruItems = items.filter((i) => gruById.has(i.id));
  log(`${items.length} ${split} items; GRU texts recorded for ${gruItems.length}`);

  const own = await fluency(items.map((i) => i.description ?? ''));
  const usableOwn = prepared.flatMap((p) => p.sentences.filter((s) => s.usable).map((s) => s.text));
  const usableOk = await parsesWithoutNulls(usableOwn);
  const usable = {
    parsed: usableOk.filter(Boolean).length,
    sentences: usableOwn.length,
    share: usableOk.filter(Boolean).length / usableOwn.length,
  };
  const fl = {
    template: await fluency(template.map((t) => t.text)),
    gru: await fluency(gruItems.map((i) => gruById.get(i.id)!)),
    untrained: await fluency(untrained.a.map((t) => t.text)),
    trained: await fluency(learned.a.map((t) => t.text)),
  };
  log('fluency measured');
  const ground = {
    template: grounding(items, template, lexicon),
    gru: grounding(
      gruItems,
      gruItems.map((i) => ({ text: gruById.get(i.id)! })),
      lexicon,
    ),
    untrained: grounding(items, untrained.a, lexicon),
    trained: grounding(items, learned.a, lexicon),
  };
  const pers = {
    untrained: personalisation(prepared, readers, untrained.a, untrained.b),
    trained: personalisation(prepared, readers, learned.a, learned.b),
  };

  // Every lead fill for these readers: standalone ones must parse; fronted ones must not break a sentence that parses.
  const fills = prepared.flatMap((p, i) => [
    ...leadFills(p, readers[i][0].focus, trained.inventory),
    ...leadFills(p, readers[i][1].focus, trained.inventory),
  ]);
  const fillOk = await parsesWithoutNulls(fills.map((f) => f.lead));
  const alone = await parsesWithoutNulls(fills.map((f) => f.sentence ?? ''));
  const checked = fills
    .map((f, i) => ({ ...f, ok: fillOk[i], counts: f.sentence === null || alone[i] }))
    .filter((f) => f.counts);
  const leadFailures = checked.filter((f) => !f.ok);
  log(`lead fills: ${checked.length - leadFailures.length}/${checked.length}`);

  // C2ST on the other split's texts (validation when testing), evaluated on this split.
  let c2 = { untrained: NaN, trained: NaN };
  if (split === 'test') {
    const other = describedItems(catalogue)
      .filter((i) => splitOf(i.id) === 'validation')
      .map(prepare);
    const otherReaders = other.map((p) => twoReaders(p, df, seededRandom(11), maxWords));
    const u = writeAll(other, otherReaders, UNTRAINED);
    const tr = writeAll(other, otherReaders, trained);
    c2 = {
      untrained: c2st(
        features(other, otherReaders, u.a, UNTRAINED),
        features(prepared, readers, untrained.a, UNTRAINED),
      ),
      trained: c2st(features(other, otherReaders, tr.a, trained), features(prepared, readers, learned.a, trained)),
    };
  }

  // The other domain: the home and beauty test catalogue, with both models.
  const home = readItems(join(projectRoot(), 'test', 'fixtures', 'home-beauty.jsonl'));
  const homePrepared = home.map(prepare);
  const homeReaders = homePrepared.map((p) => twoReaders(p, termFrequencies(home), seededRandom(3), maxWords));
  const homeU = writeAll(homePrepared, homeReaders, UNTRAINED);
  const homeT = writeAll(homePrepared, homeReaders, trained);
  const homeOwn = await fluency(home.map((i) => i.description ?? ''));
  const homeFl = {
    untrained: await fluency(homeU.a.map((t) => t.text)),
    trained: await fluency(homeT.a.map((t) => t.text)),
  };
  const homeGround = {
    untrained: grounding(home, homeU.a, catalogueLexicon(home)),
    trained: grounding(home, homeT.a, catalogueLexicon(home)),
  };

  const g = (x: ReturnType<typeof grounding>) =>
    x.claims === 0 ? 'n/a (no claims)' : `${pct(x.found / x.claims)} (${x.found}/${x.claims})`;
  const p = (x: ReturnType<typeof personalisation>) => [
    `${pct(x.firstWithLead / x.eligible)} (${x.firstWithLead}/${x.eligible})`,
    `${pct(x.firstWithoutLead / x.eligible)} (${x.firstWithoutLead}/${x.eligible})`,
    `${pct(x.differentTexts / x.twoSentenceItems)} (${x.differentTexts}/${x.twoSentenceItems})`,
  ];
  const bar = 0.95 * own.share;
  const words = (t: SystemTexts) => {
    const w = t.a.map((x) => x.words);
    return `${(w.reduce((s, v) => s + v, 0) / w.length).toFixed(1)} / ${Math.max(...w)}`;
  };
  const sample = shuffle(
    seededRandom(99),
    prepared.map((_, i) => i),
  ).slice(0, 10);
  const lines = [
    '# Personalised descriptions: evaluation',
    '',
    `\`npm run eval:generate${process.argv.slice(2).length ? ` -- ${process.argv.slice(2).join(' ')}` : ''}\` (${new Date().toISOString().slice(0, 10)}).`,
    `Items: \`${file.replace(`${projectRoot()}/`, '')}\`: ${catalogue.length} items; the ${split} split (10% by a hash of the item id; never trained on${split === 'test' ? ', never used to choose settings' : ''}): ${items.length} items with a distinct description of more than 10 words.`,
    `Readers: two per item, each sharing two of the item's tag/category/brand terms that some other item also has (where a real reader's interest comes from), drawn with a fixed seed; budget ${maxWords} words. Trained model: \`${trained.version}\`.`,
    '',
    '## Magazines, held-out items',
    '',
    '| system | fluency: sentences with no null links | vs 0.95 x own | claims found in their field | foreign numbers/brands/categories | first sentence names a focus term (with lead / without) | two readers, different texts | words mean / max | ms per text |',
    '|---|---|---|---|---|---|---|---|---|',
    `| the items' own descriptions (all sentences) | ${share(own)} | bar: ${pct(bar)} | | | | | | |`,
    `| the items' own usable sentences (what arrangement may use) | ${share(usable)} | | | | | | | |`,
    `| template baseline | ${share(fl.template)} | ${fl.template.share >= bar ? 'meets' : 'below'} | n/a (no claims) | ${ground.template.foreign} | | | | |`,
    `| GRU generator (removed; recorded texts) | ${share(fl.gru)} | ${fl.gru.share >= bar ? 'meets' : 'below'} | n/a (no claims) | ${ground.gru.foreign} | | | | |`,
    `| untrained policy (no model version) | ${share(fl.untrained)} | ${fl.untrained.share >= bar ? 'meets' : 'below'} | ${g(ground.untrained)} | ${ground.untrained.foreign} | ${p(pers.untrained).slice(0, 2).join(' / ')} | ${p(pers.untrained)[2]} | ${words(untrained)} | ${untrained.ms.toFixed(2)} |`,
    `| trained policy + discriminator re-ranking | ${share(fl.trained)} | ${fl.trained.share >= bar ? 'meets' : 'below'} | ${g(ground.trained)} | ${ground.trained.foreign} | ${p(pers.trained).slice(0, 2).join(' / ')} | ${p(pers.trained)[2]} | ${words(learned)} | ${learned.ms.toFixed(2)} |`,
    '',
    `Lead fills (every form of the trained version's inventory, with one and two labels, for both readers of every item): ${checked.length - leadFailures.length} of ${checked.length} parse with no null links (a fronted lead counted where the sentence it opens parses alone).${
      leadFailures.length
        ? ` Failures: ${leadFailures
            .slice(0, 12)
            .map((f) => `"${f.lead}"`)
            .join('; ')}`
        : ''
    }`,
    '',
    split === 'test'
      ? `Classifier two-sample test (a fresh discriminator trained on the validation split to tell the items' own opening sentences from a system's texts, lead excepted, scored on the test split; 50% = indistinguishable, lower is better): untrained policy ${pct(c2.untrained)}, trained policy ${pct(c2.trained)}.`
      : '',
    '',
    '## Another domain: the home and beauty test catalogue (`test/fixtures/home-beauty.jsonl`)',
    '',
    '| system | fluency | claims found | foreign values |',
    '|---|---|---|---|',
    `| the items' own descriptions | ${share(homeOwn)} | | |`,
    `| untrained policy | ${share(homeFl.untrained)} | ${g(homeGround.untrained)} | ${homeGround.untrained.foreign} |`,
    `| trained policy (magazines model) | ${share(homeFl.trained)} | ${g(homeGround.trained)} | ${homeGround.trained.foreign} |`,
    '',
    '## Examples (held-out items; reader A, then reader B)',
    '',
    ...sample.flatMap((i) => [
      `- **${items[i].title}**`,
      `  - A (${readers[i][0].focus.join(', ') || 'no focus'}), trained: ${learned.a[i].text}`,
      `  - A, untrained: ${untrained.a[i].text}`,
      `  - B (${readers[i][1].focus.join(', ') || 'no focus'}), trained: ${learned.b[i].text}`,
      ...(gruById.has(items[i].id) ? [`  - the GRU (before): ${gruById.get(items[i].id)}`] : []),
    ]),
    '',
    '## Another domain, examples',
    '',
    ...homePrepared
      .slice(0, 6)
      .map((hp, i) => `- **${hp.item.title}** (${homeReaders[i][0].focus.join(', ')}): ${homeT.a[i].text}`),
    '',
  ];
  const report = lines.join('\n');
  process.stdout.write(`${report}\n`);
  writeFileSync(out, report);
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
