/** A tiny model trained once per test file on the shipped sample (seconds), or the committed sample model. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describedItems, readItems, splitOf, CatalogueItem } from '../../../src/generation/data';
import type { Bundle } from '../../../src/generation/decode';
import { asBundle, bundledModelDir, importVersion, StoredVersion } from '../../../src/generation/store';
import { PRESETS, train } from '../../../src/generation/train';
import { projectRoot } from '../../../src/util/paths';

export function sampleItems(): CatalogueItem[] {
  return readItems(join(projectRoot(), 'data', 'sample', 'items.jsonl'));
}

export function trainTiny(seed = 1): StoredVersion {
  const items = sampleItems();
  const described = describedItems(items);
  const t = train(
    described.filter((i) => splitOf(i.id) !== 'validation'),
    described.filter((i) => splitOf(i.id) === 'validation'),
    items,
    // A budget it never reaches: cut short by a busy machine, the same seed would give other
    // weights, and the tests would depend on the load (training takes seconds when it is quiet).
    { preset: { ...PRESETS.tiny, budgetMinutes: 15 }, seed, progress: false, log: () => undefined },
  );
  return { version: `tiny-${seed}-${Date.now()}`, vocab: t.vocab, generator: t.generator, pretrained: t.pretrained, discriminator: t.discriminator, config: {}, metrics: t.metrics as unknown as Record<string, unknown> };
}

/** The committed sample model when present (what `npm start` serves), else a tiny one. */
export async function shippedOrTiny(): Promise<Bundle> {
  if (existsSync(join(bundledModelDir(), 'version.json'))) return asBundle(await importVersion(bundledModelDir()));
  return asBundle(trainTiny());
}
