/**
 * Item.personalisedDescription through GraphQL: for the viewer by default, led by the user's
 * strongest shared interests, generic without a user or consent, and every description a
 * request asks for written in one batched model call.
 */
import { saveVersion } from '../../src/generation/store';
import { seedSample } from '../../src/ingest/seed';
import { createLogger } from '../../src/logger';
import { createTestApp, TestApp } from '../support/app';
import { createTestDatabase, TestDatabase } from '../support/db';
import { trainTiny } from '../unit/generation/fixtures';

const RECS_WITH_TEXT = `query ($u: ID!) { user(id: $u) {
  interests(first: 100) { term }
  recommendations(first: 10) { item { id description personalisedDescription { text highlights personalised modelVersion } } } } }`;

describe('personalised descriptions through GraphQL', () => {
  let db: TestDatabase;
  let app: TestApp;
  let version: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    await db.dataSource.query(`SELECT 1`);
    const tiny = trainTiny(7);
    version = tiny.version;
    app = await createTestApp(db);
    await seedSample(db.dataSource, app.config, createLogger('silent'));
    await saveVersion(db.dataSource, tiny);
    await app.services.catalogue.refresh();
    await app.services.descriptions.model.reload();
  });
  afterAll(async () => {
    await app.close();
    await db.close();
  });

  it('writes for the viewer, led by their shared interests, in one model call per request', async () => {
    const calls = app.services.descriptions.model.modelCalls;
    const res = await app.run(RECS_WITH_TEXT, { u: 'sim-user-001' }, 'sim-user-001');
    expect(res.errors).toBeUndefined();
    expect(app.services.descriptions.model.modelCalls).toBe(calls + 1);
    const interests = new Set(res.data!.user.interests.map((i: { term: string }) => i.term));
    const texts = res.data!.user.recommendations.map((r: any) => r.item.personalisedDescription);
    expect(texts).toHaveLength(10);
    for (const t of texts) {
      expect(t.modelVersion).toBe(version);
      expect(t.personalised).toBe(true);
      expect(t.highlights.length).toBeGreaterThan(0);
      for (const h of t.highlights) expect(interests.has(h)).toBe(true);
      expect(t.text).not.toMatch(/<[a-z_]+\d*>/);
    }
    // Asked again: answered from the cache, no model call.
    await app.run(RECS_WITH_TEXT, { u: 'sim-user-001' }, 'sim-user-001');
    expect(app.services.descriptions.model.modelCalls).toBe(calls + 1);
  });

  it('writes the descriptions of concurrent requests in one model call and looks them up in one statement', async () => {
    const users = ['sim-user-005', 'sim-user-006'];
    // Loads are batched when they arrive in the same turn of the event loop. Both users are read
    // in one statement; with their items' rows already in memory nothing else separates them.
    for (const u of users) await app.run(`query ($u: ID!) { user(id: $u) { recommendations(first: 10) { item { id } } } }`, { u }, u);
    const calls = app.services.descriptions.model.modelCalls;
    const together = await Promise.all(users.map((u) => app.run(RECS_WITH_TEXT, { u }, u)));
    for (const r of together) expect(r.errors).toBeUndefined();
    expect(app.services.descriptions.model.modelCalls).toBe(calls + 1);
    // Each request got its own user's texts: asked alone now (from the cache), the answers are the same.
    db.resetQueries();
    for (const [i, u] of users.entries()) expect((await app.run(RECS_WITH_TEXT, { u }, u)).data).toEqual(together[i].data);
    expect(db.queries.filter((q) => /FROM generated_descriptions/.test(q))).toHaveLength(2);
    db.resetQueries();
    await Promise.all(users.map((u) => app.run(RECS_WITH_TEXT, { u }, u)));
    expect(db.queries.filter((q) => /FROM generated_descriptions/.test(q))).toHaveLength(1);
    expect(app.services.descriptions.model.modelCalls).toBe(calls + 1);
  });

  it('gives the generic description without a user, and to a user who opted out', async () => {
    const anonymous = await app.run(`{ item(id: "B00005N7NQ") { description personalisedDescription { text personalised highlights modelVersion } } }`, {}, null);
    const generic = anonymous.data!.item;
    expect(generic.personalisedDescription).toEqual({ text: generic.description, personalised: false, highlights: [], modelVersion: null });
    await app.run(`mutation { setPersonalisationConsent(userId: "sim-user-002", enabled: false) { enabled } }`, {}, 'sim-user-002');
    const res = await app.run(`{ item(id: "B00005N7NQ") { personalisedDescription(userId: "sim-user-002") { personalised modelVersion } } }`, {}, 'sim-user-002');
    expect(res.data!.item.personalisedDescription).toEqual({ personalised: false, modelVersion: null });
  });

  it('refuses to write for another user', async () => {
    const res = await app.run(`{ item(id: "B00005N7NQ") { personalisedDescription(userId: "sim-user-003") { text } } }`, {}, 'sim-user-004');
    expect(res.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });
});
