/**
 * DescriptionService on a real Postgres: the untrained policy writes before any model version
 * exists, a stored version is picked up by polling, a version's personalised texts are written in
 * one pass and cached by (item, focus, version, budget), an edited item is written again.
 */
import pino from 'pino';
import { contentHash, ItemFacts } from '../../../src/generation/facts';
import { claimFound } from '../../../src/generation/grounding';
import { DescriptionRequest, DescriptionService } from '../../../src/generation/service';
import { itemTerms } from '../../../src/generation/train/episodes';
import { prepare } from '../../../src/generation/prepare';
import { installBundledModel, saveVersion, StoredVersion } from '../../../src/generation/versions';
import { upsertItems } from '../../../src/db/repositories/items';
import { createTestDatabase, TestDatabase } from '../../support/db';
import { sampleItems, trainTiny } from '../../unit/generation/fixtures';

const logger = pino({ level: 'silent' });

describe('DescriptionService on a real Postgres', () => {
  let db: TestDatabase;
  let model: StoredVersion;
  let service: DescriptionService;
  const items: ItemFacts[] = sampleItems()
    .filter((i) => i.description)
    .slice(0, 12);
  // The sample's tags after the category and the publisher are words of the description itself.
  const focusOf = (item: ItemFacts) =>
    itemTerms(prepare(item))
      .filter((t) => item.tags.slice(2).some((tag) => tag === t))
      .slice(0, 2);
  const personal = (maxWords = 60): DescriptionRequest[] =>
    items.slice(0, 10).map((item) => ({ item, focus: focusOf(item), maxWords }));
  const countSql = (pattern: RegExp) => db.queries.filter((q) => pattern.test(q)).length;

  beforeAll(async () => {
    db = await createTestDatabase();
    await upsertItems(
      db.dataSource,
      items.map((i) => ({ ...i, attributes: {} })),
    );
    model = await trainTiny(1);
    service = await DescriptionService.create({ dataSource: db.dataSource, logger, pollIntervalMs: 0 });
  });

  afterAll(async () => {
    await service.close();
    await db.close();
  });

  it('without any model version, the untrained policy writes personalised, traced copy and caches nothing', async () => {
    expect(service.modelVersion).toBeNull();
    db.resetQueries();
    const results = await service.describe(personal());
    expect(countSql(/generated_descriptions/)).toBe(0);
    results.forEach((r, i) => {
      expect(r.personalised).toBe(true);
      expect(r.modelVersion).toBeNull();
      expect(r.claims.length).toBeGreaterThan(0);
      for (const c of r.claims) expect(claimFound(items[i], c)).toBe(true);
    });
    results.forEach((r, i) => {
      for (const h of r.highlights) expect(focusOf(items[i])).toContain(h);
    });
    expect(results.filter((r) => r.highlights.length > 0).length).toBeGreaterThanOrEqual(8);
    // Generic copy: the description's own opening, whole sentences, within the budget.
    const [generic] = await service.describe([{ item: items[0], focus: [], maxWords: 200 }]);
    expect(generic.personalised).toBe(false);
    expect(items[0].description!.startsWith(generic.text.slice(0, 40))).toBe(true);
  });

  it('switches to a stored version, and writes a request in one pass, one cache lookup and one insert', async () => {
    await saveVersion(db.dataSource, model);
    expect(await service.reload()).toBe(true);
    expect(service.modelVersion).toBe(model.version);
    const before = service.modelCalls;
    db.resetQueries();
    const loader = service.createLoader();
    const results = await Promise.all(personal().map((r) => loader.load(r)));
    expect(service.modelCalls).toBe(before + 1);
    expect(countSql(/FROM generated_descriptions/)).toBe(1);
    expect(countSql(/INSERT INTO generated_descriptions/)).toBe(1);
    for (const r of results) expect(r.modelVersion).toBe(model.version);
  });

  it('answers a repeated request from the cache (one lookup, nothing written), and keys on the word budget', async () => {
    const first = await service.describe(personal());
    const before = service.modelCalls;
    db.resetQueries();
    expect(await service.describe(personal())).toEqual(first);
    expect(service.modelCalls).toBe(before);
    expect(db.queries.length).toBe(1);
    const short = await service.describe(personal(15));
    expect(service.modelCalls).toBe(before + 1);
    for (const r of short) expect(r.text.split(/\s+/).filter((w) => /\w/.test(w)).length).toBeLessThanOrEqual(15);
    const rows = await db.dataSource.query(`SELECT DISTINCT max_words FROM generated_descriptions ORDER BY 1`);
    expect(rows.map((r: { max_words: number }) => r.max_words)).toEqual([15, 60]);
  });

  it('writes an item again when it changed', async () => {
    const req = personal()[0];
    await service.describe([req]);
    const before = service.modelCalls;
    const changed = { ...req.item, title: `${req.item.title} Weekly` };
    expect(contentHash(changed)).not.toBe(contentHash(req.item));
    await service.describe([{ ...req, item: changed }]);
    expect(service.modelCalls).toBe(before + 1);
  });

  it('switches to a new model version without a restart (polling)', async () => {
    const watcher = await DescriptionService.create({ dataSource: db.dataSource, logger, pollIntervalMs: 100 });
    try {
      expect(watcher.modelVersion).toBe(model.version);
      const next: StoredVersion = { ...model, version: `tiny-next-${Date.now()}` };
      await saveVersion(db.dataSource, next);
      const deadline = Date.now() + 10_000;
      while (watcher.modelVersion !== next.version && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 50));
      expect(watcher.modelVersion).toBe(next.version);
      const [r] = await watcher.describe([personal()[0]]);
      expect(r.modelVersion).toBe(next.version);
    } finally {
      await watcher.close();
    }
  });

  it('installs the committed sample model only into a database that has none', async () => {
    expect(await installBundledModel(db.dataSource)).toBeNull();
    const fresh = await createTestDatabase();
    try {
      const installed = await installBundledModel(fresh.dataSource);
      expect(installed).toMatch(/^copy-/);
      const s = await DescriptionService.create({ dataSource: fresh.dataSource, logger, pollIntervalMs: 0 });
      expect(s.modelVersion).toBe(installed);
      await s.close();
    } finally {
      await fresh.close();
    }
  });
});
