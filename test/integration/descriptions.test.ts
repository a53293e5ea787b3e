/**
 * Item.personalisedDescription through GraphQL on a real Postgres: copy for the viewer, led by
 * their shared interests and traced claim by claim; the word budget and its bounds; generic copy
 * without a user, consent or shared interests; an item with no description; the segmentation of
 * a description full of abbreviations, prices, links and a missing space.
 */
import { uncoveredWords, claimFound } from '../../src/generation/grounding';
import { COMPOSED_CONNECTIVES } from '../../src/generation/compose';
import { BUILTIN_FORMS } from '../../src/generation/lead';
import { importVersion, bundledModelDir } from '../../src/generation/versions';
import { seedSample } from '../../src/ingest/seed';
import { createLogger } from '../../src/logger';
import { words } from '../../src/personalisation/tokenise';
import { createTestApp, TestApp } from '../support/app';
import { createTestDatabase, TestDatabase } from '../support/db';
import { insertItems, item } from '../support/factories';
import { homeBeautyItems } from '../unit/generation/fixtures';

const TEXT = 'text claims { text source ref } highlights personalised modelVersion';
const RECS_WITH_TEXT = `query ($u: ID!, $w: Int) { user(id: $u) {
  interests(first: 100) { term }
  recommendations(first: 10) { item { id title description brand categories tags price
    personalisedDescription(maxWords: $w) { ${TEXT} } } } } }`;

type Copy = {
  text: string;
  claims: { text: string; source: string; ref: string }[];
  highlights: string[];
  personalised: boolean;
  modelVersion: string | null;
};

const countWords = (text: string) => text.split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w)).length;

/** Words a text may have beside its claims: the lead forms' connecting words and a shortened list's "and". */
const CONNECTIVES = new Set(
  [...BUILTIN_FORMS, ...importVersion(bundledModelDir()).config.inventory]
    .flatMap((f) => words(`${f.words} ${f.after ?? ''}`))
    .concat(words(COMPOSED_CONNECTIVES.join(' '))),
);

describe('personalised descriptions through GraphQL', () => {
  let db: TestDatabase;
  let app: TestApp;

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createTestApp(db);
    await seedSample(db.dataSource, app.config, createLogger('silent'));
    await insertItems(db.dataSource, [
      item('SEG-1', {
        title: 'Knit Today',
        brand: 'Yarn House',
        description:
          '<p>Ranked No. 1 in the U.S. by the readers of Dr. Smith&#39;s column.</p> It costs $4.99 an issue and weighs 2.5 oz. ' +
          'Visit www.example.com/knit or write to help@example.com for more. Learn to knit and crochet.Each issue has 20 patterns.',
      }),
      ...homeBeautyItems().map((i) => ({ ...i, attributes: i.attributes ?? {} })),
    ]);
    await app.services.catalogue.refresh();
    await app.services.descriptions.model.reload();
  });
  afterAll(async () => {
    await app.close();
    await db.close();
  });

  it("writes for the viewer from the item's own words, led by shared interests, every claim traced", async () => {
    const res = await app.run(RECS_WITH_TEXT, { u: 'sim-user-001' }, 'sim-user-001');
    expect(res.errors).toBeUndefined();
    const interests = new Set(res.data!.user.interests.map((i: { term: string }) => i.term));
    const recs = res.data!.user.recommendations as { item: { personalisedDescription: Copy; [k: string]: unknown } }[];
    expect(recs).toHaveLength(10);
    for (const { item: it } of recs) {
      const d = it.personalisedDescription;
      expect(d.personalised).toBe(true);
      expect(d.modelVersion).toBe(app.services.descriptions.model.modelVersion);
      expect(countWords(d.text)).toBeLessThanOrEqual(60);
      for (const h of d.highlights) expect(interests.has(h)).toBe(true);
      // Every claim is found in the field it names, and the claims cover the text but connecting words.
      for (const c of d.claims) expect(claimFound(it as never, c as never)).toBe(true);
      expect(uncoveredWords(d.text, d.claims as never).filter((w) => !CONNECTIVES.has(w))).toEqual([]);
    }
    expect(recs.filter((r) => r.item.personalisedDescription.highlights.length > 0).length).toBeGreaterThanOrEqual(8);
  });

  it('keeps to maxWords and refuses a budget outside 15..200 with BAD_USER_INPUT', async () => {
    const short = await app.run(RECS_WITH_TEXT, { u: 'sim-user-001', w: 15 }, 'sim-user-001');
    expect(short.errors).toBeUndefined();
    for (const r of short.data!.user.recommendations)
      expect(countWords(r.item.personalisedDescription.text)).toBeLessThanOrEqual(15);
    for (const w of [14, 201, 0, -5]) {
      const bad = await app.run(
        `{ item(id: "B00005N7NQ") { personalisedDescription(maxWords: ${w}) { text } } }`,
        {},
        null,
      );
      expect(bad.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentName: 'maxWords' });
    }
  });

  it('gives generic copy with claims without a user, to a user who opted out, and to one without shared interests', async () => {
    const anonymous = await app.run(
      `{ item(id: "B00005N7NQ") { description personalisedDescription { ${TEXT} } } }`,
      {},
      null,
    );
    const generic = anonymous.data!.item.personalisedDescription as Copy;
    expect(generic).toMatchObject({ personalised: false, highlights: [], modelVersion: null });
    expect(generic.claims.length).toBeGreaterThan(0);
    expect(generic.claims.every((c) => c.source === 'DESCRIPTION')).toBe(true);
    // The description's own opening, its sentences whole and in order.
    expect(anonymous.data!.item.description.startsWith(generic.claims[0].text)).toBe(true);
    await app.run(
      `mutation { setPersonalisationConsent(userId: "sim-user-002", enabled: false) { enabled } }`,
      {},
      'sim-user-002',
    );
    const optedOut = await app.run(
      `{ item(id: "B00005N7NQ") { personalisedDescription(userId: "sim-user-002") { ${TEXT} } } }`,
      {},
      'sim-user-002',
    );
    expect(optedOut.data!.item.personalisedDescription).toEqual(generic);
    // A user with history, asking about an item of another shop aisle: no shared terms, generic copy.
    const stranger = await app.run(
      `{ item(id: "HK-001") { personalisedDescription(userId: "sim-user-001") { ${TEXT} } } }`,
      {},
      'sim-user-001',
    );
    expect(stranger.data!.item.personalisedDescription).toMatchObject({
      personalised: false,
      highlights: [],
      modelVersion: null,
    });
  });

  it('composes traced copy for an item with no description, naming no kind of product it is not', async () => {
    const res = await app.run(`{ item(id: "HB-008") { personalisedDescription { ${TEXT} } } }`, {}, null);
    const d = res.data!.item.personalisedDescription as Copy;
    expect(d.text).toMatch(/^Nourishing Hand Cream is from L'Occitane\./);
    expect(d.text).not.toMatch(/magazine/i);
    expect(new Set(d.claims.map((c) => c.source))).toEqual(
      new Set(['TITLE', 'BRAND', 'CATEGORY', 'TAG', 'ATTRIBUTE', 'PRICE']),
    );
    expect(d.claims.find((c) => c.source === 'PRICE')).toEqual({ text: '12', source: 'PRICE', ref: 'price' });
  });

  it('segments a description with abbreviations, prices, links, HTML and a missing space', async () => {
    const res = await app.run(`{ item(id: "SEG-1") { personalisedDescription(maxWords: 200) { ${TEXT} } } }`, {}, null);
    const d = res.data!.item.personalisedDescription as Copy;
    expect(d.claims).toEqual([
      {
        text: "Ranked No. 1 in the U.S. by the readers of Dr. Smith's column.",
        source: 'DESCRIPTION',
        ref: 'description[0]',
      },
      { text: 'It costs $4.99 an issue and weighs 2.5 oz.', source: 'DESCRIPTION', ref: 'description[1]' },
      // description[2], the sentence with a link and an e-mail address, is not copy to arrange.
      { text: 'Learn to knit and crochet.', source: 'DESCRIPTION', ref: 'description[3]' },
      { text: 'Each issue has 20 patterns.', source: 'DESCRIPTION', ref: 'description[4]' },
    ]);
    expect(d.text).toBe(d.claims.map((c) => c.text).join(' '));
  });

  it('refuses to write for another user', async () => {
    const res = await app.run(
      `{ item(id: "B00005N7NQ") { personalisedDescription(userId: "sim-user-003") { text } } }`,
      {},
      'sim-user-004',
    );
    expect(res.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });
});
