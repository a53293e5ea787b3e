import pino from 'pino';
import { DescriptionRequest, DescriptionService, ItemData } from '../../../src/generation/service';
import { installBundledModel, saveVersion, StoredVersion } from '../../../src/generation/store';
import { itemSlots, mentions } from '../../../src/generation/slots';
import { normaliseTerm } from '../../../src/personalisation/tokenise';
import { createTestDatabase, TestDatabase } from '../../support/db';
import { sampleItems, trainTiny } from '../../unit/generation/fixtures';

const logger = pino({ level: 'silent' });

describe('DescriptionService on a real Postgres', () => {
  let db: TestDatabase;
  let model: StoredVersion;
  let service: DescriptionService;
  const items: ItemData[] = sampleItems()
    .filter((i) => i.description)
    .slice(0, 12)
    .map((i) => ({ ...i, updatedAt: new Date() }));
  const focusOf = (item: ItemData) => itemSlots(item).filter((s) => s.slot.startsWith('<tag')).slice(0, 2).map((s) => normaliseTerm(s.surface)!);
  const personal = (): DescriptionRequest[] => items.slice(0, 10).map((item) => ({ item, focus: focusOf(item) }));
  const countSql = (pattern: RegExp) => db.queries.filter((q) => pattern.test(q)).length;

  beforeAll(async () => {
    db = await createTestDatabase();
    await db.dataSource.query(
      `INSERT INTO items (id, title, description, brand, categories, tags) SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS u(id, title, description, brand), LATERAL (SELECT '{}'::text[], '{}'::text[]) AS x(c, t)`,
      [items.map((i) => i.id), items.map((i) => i.title), items.map((i) => i.description), items.map((i) => i.brand)],
    );
    model = trainTiny(1);
    service = await DescriptionService.create({ dataSource: db.dataSource, logger, pollIntervalMs: 0 });
  });

  afterAll(async () => {
    await service.close();
    await db.close();
  });

  it('without a model, and for a user without shared interests or who opted out, gives the generic description', async () => {
    expect(service.modelVersion).toBeNull();
    const [noModel] = await service.describe([{ item: items[0], focus: focusOf(items[0]) }]);
    expect(noModel).toEqual({ text: items[0].description, highlights: [], personalised: false, modelVersion: null });
    await saveVersion(db.dataSource, model);
    expect(await service.reload()).toBe(true);
    expect(service.modelVersion).toBe(model.version);
    // The GraphQL layer passes no focus for an opted-out user or one without shared terms.
    const [generic] = await service.describe([{ item: items[1], focus: [] }]);
    expect(generic).toEqual({ text: items[1].description, highlights: [], personalised: false, modelVersion: null });
    const bare = { ...items[2], description: null };
    const [built] = await service.describe([{ item: bare, focus: [] }]);
    expect(built.text).toMatch(/^.+ is a magazine.*\.$/);
  });

  it('writes every description of a request in one model call, one cache lookup and one insert', async () => {
    const before = service.modelCalls;
    db.resetQueries();
    const loader = service.createLoader();
    const results = await Promise.all(personal().map((r) => loader.load(r)));
    expect(service.modelCalls).toBe(before + 1);
    expect(countSql(/FROM generated_descriptions/)).toBe(1);
    expect(countSql(/INSERT INTO generated_descriptions/)).toBe(1);
    results.forEach((r, i) => {
      expect(r.personalised).toBe(true);
      expect(r.modelVersion).toBe(model.version);
      const focus = focusOf(items[i]);
      // Highlights come from the user's interests, and the text names them.
      for (const h of r.highlights) {
        expect(focus).toContain(h);
        expect(mentions(r.text, h)).toBe(true);
      }
    });
    expect(results.filter((r) => r.highlights.length > 0).length).toBeGreaterThanOrEqual(9);
  });

  it('answers a repeated request from the cache: one lookup, no model call', async () => {
    const first = await service.describe(personal());
    const before = service.modelCalls;
    db.resetQueries();
    const again = await service.describe(personal());
    expect(service.modelCalls).toBe(before);
    expect(db.queries.length).toBe(1);
    expect(again).toEqual(first);
  });

  it('writes an item again when it changed', async () => {
    const req = personal()[0];
    await service.describe([req]);
    const before = service.modelCalls;
    const changed = { ...req.item, title: `${req.item.title} Weekly` };
    const [r] = await service.describe([{ item: changed, focus: req.focus }]);
    expect(service.modelCalls).toBe(before + 1);
    expect(r.personalised).toBe(true);
  });

  it('switches to a new model version without a restart (polling)', async () => {
    const watcher = await DescriptionService.create({ dataSource: db.dataSource, logger, pollIntervalMs: 100 });
    try {
      expect(watcher.modelVersion).toBe(model.version);
      const next: StoredVersion = { ...trainTiny(2), version: `tiny-next-${Date.now()}` };
      await saveVersion(db.dataSource, next);
      const deadline = Date.now() + 10_000;
      while (watcher.modelVersion !== next.version && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(watcher.modelVersion).toBe(next.version);
      const [r] = await watcher.describe([personal()[0]]);
      expect(r.modelVersion).toBe(next.version);
    } finally {
      await watcher.close();
    }
  });

  it('installs the committed sample model only into a database that has none', async () => {
    expect(await installBundledModel(db.dataSource)).toBeNull();
  });
});
