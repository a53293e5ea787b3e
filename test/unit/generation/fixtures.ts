/** Catalogues the generation tests write for: the shipped magazines sample, a home-and-beauty shop, and a tiny trained model. */
import { join } from 'node:path';
import { prepare } from '../../../src/generation/prepare';
import { readItems, splitOf, CatalogueItem } from '../../../src/generation/data';
import { BUILTIN_FORMS } from '../../../src/generation/lead';
import { mineLeadForms } from '../../../src/generation/train/mine';
import { train } from '../../../src/generation/train/reinforce';
import { DISCRIMINATOR_FORMAT, POLICY_FORMAT, StoredVersion } from '../../../src/generation/versions';
import { projectRoot } from '../../../src/util/paths';

/** The magazines of the shipped sample (real descriptions). */
export function sampleItems(): CatalogueItem[] {
  return readItems(join(projectRoot(), 'data', 'sample', 'items.jsonl'));
}

/** A small shop in another domain: real-looking beauty and kitchen products, some without a description. */
export function homeBeautyItems(): CatalogueItem[] {
  return readItems(join(projectRoot(), 'test', 'fixtures', 'home-beauty.jsonl'));
}

/** A model version trained for one short epoch on the sample (a few seconds), as `npm run train` stores one. */
export async function trainTiny(seed = 1): Promise<StoredVersion> {
  const prepared = sampleItems()
    .map(prepare)
    .filter((p) => p.sentences.some((s) => s.usable));
  const inventory = [...BUILTIN_FORMS, ...mineLeadForms(prepared.map((p) => p.sentences))];
  const t = train({
    train: prepared.filter((p) => splitOf(p.item.id) !== 'validation'),
    validation: prepared.filter((p) => splitOf(p.item.id) === 'validation'),
    inventory,
    settings: { seed, epochs: 1, discriminatorWarmup: 1 },
    progress: false,
    log: () => undefined,
  });
  const version: StoredVersion = {
    version: `tiny-${seed}-${Date.now()}`,
    policy: await t.policy.artifacts(POLICY_FORMAT),
    discriminator: await t.discriminator.artifacts(DISCRIMINATOR_FORMAT),
    config: { inventory },
    metrics: t.metrics as unknown as Record<string, unknown>,
  };
  t.policy.dispose();
  t.discriminator.dispose();
  return version;
}
