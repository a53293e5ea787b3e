/**
 * The storefront demo page in a real browser (Debian's chromium driven by playwright-core):
 * pick a shopper, read their interests and recommendations, click Buy and View, and see the
 * page change because tailor learned from the click. Saves a screenshot to DEMO_SCREENSHOT
 * (default: the OS temp dir; `DEMO_SCREENSHOT=docs/demo.png` refreshes the README's picture).
 *
 * It needs Debian's chromium (`apt-get install chromium`, which .ci/run does). Where it is not
 * installed the suite is skipped with that reason, unless REQUIRE_CHROMIUM=1 (CI), which makes
 * a missing browser a failure instead.
 */
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Browser, chromium, Page } from 'playwright-core';
import request from 'supertest';
import { testConfig } from '../support/config';
import { seedSample } from '../../src/ingest/seed';
import { createLogger } from '../../src/logger';
import { createHttpServer } from '../../src/server';
import { projectRoot } from '../../src/util/paths';
import { createTestApp, TestApp } from '../support/app';
import { createTestDatabase, TestDatabase } from '../support/db';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SCREENSHOT = process.env.DEMO_SCREENSHOT
  ? resolve(projectRoot(), process.env.DEMO_SCREENSHOT)
  : join(tmpdir(), 'tailor-demo.png');
const SHOPPER = 'sim-user-007';

const haveChromium = existsSync(CHROMIUM) || process.env.REQUIRE_CHROMIUM === '1';
if (!haveChromium) {
  process.stderr.write(
    `test/e2e/demo.test.ts skipped: no chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)\n`,
  );
}

interface Shown {
  id: string;
  score: string;
}

(haveChromium ? describe : describe.skip)('the storefront demo page, in chromium', () => {
  let db: TestDatabase;
  let app: TestApp;
  let base: string;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];
  const requests: { path: string; userHeader: string | undefined }[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    await seedSample(db.dataSource, testConfig({ DATABASE_URL: db.url }), createLogger('silent'));
    app = await createTestApp(db);
    base = (await app.listen()).replace(/\/graphql$/, '');
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
    page.on('request', (r) => requests.push({ path: new URL(r.url()).pathname, userHeader: r.headers()['x-user-id'] }));
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await db?.close();
  });

  // The page counts its loads on <body data-loads>; data-state is "ready" between loads.
  // (Browser-side callbacks are typed loosely: the project compiles without the DOM library.)
  // Functions, not strings: the page's CSP forbids eval, which string predicates would need.
  const loads = (): Promise<number> =>
    page.evaluate(() => Number((globalThis as any).document.body.dataset.loads ?? 0));
  // A load that failed shows its GraphQL error in #status (class "error"): fail with that message.
  const afterLoad = async (n: number) => {
    await page.waitForFunction((k: number) => {
      const b = (globalThis as any).document.body;
      return Number(b.dataset.loads ?? 0) >= k && b.dataset.state === 'ready';
    }, n);
    const status = await page.$eval('#status', (s: any) => ({
      error: s.classList.contains('error'),
      text: s.textContent,
    }));
    expect(status.error ? status.text : null).toBeNull();
  };
  const shown = (list: 'cosine' | 'jaccard' | 'hybrid'): Promise<Shown[]> =>
    page.$$eval(`[data-testid=recs-${list}] li.rec`, (lis: any[]) =>
      lis.map((li) => ({ id: li.dataset.itemId, score: li.querySelector('.score').textContent })),
    );
  const bars = (): Promise<{ term: string; weight: string }[]> =>
    page.$$eval('[data-testid=interests] .bar', (rows: any[]) =>
      rows.map((r) => ({ term: r.dataset.term, weight: r.querySelector('.weight').textContent })),
    );

  it("shows a shopper's interests and the three rankings exactly as the API gives them", async () => {
    await page.goto(`${base}/demo?user=${SHOPPER}`);
    expect(page.url()).toBe(`${base}/demo/?user=${SHOPPER}`);
    await afterLoad(1);
    const api = await app.run(
      `query ($id: ID!) { user(id: $id) { interests(first: 12) { term weight }
         cosine: recommendations(similarity: COSINE, first: 5) { score item { id } }
         jaccard: recommendations(similarity: JACCARD, first: 5) { score item { id } }
         hybrid: recommendations(similarity: HYBRID, first: 5) { score item { id } } } }`,
      { id: SHOPPER },
      SHOPPER,
    );
    const user = api.data!.user;
    expect(await bars()).toEqual(
      user.interests.map((i: { term: string; weight: number }) => ({ term: i.term, weight: i.weight.toFixed(3) })),
    );
    const asShown = (recs: { score: number; item: { id: string } }[]): Shown[] =>
      recs.map((r) => ({ id: r.item.id, score: r.score.toFixed(3) }));
    expect(await shown('cosine')).toEqual(asShown(user.cosine));
    expect(await shown('jaccard')).toEqual(asShown(user.jaccard));
    expect(await shown('hybrid')).toEqual(asShown(user.hybrid));
    expect(user.cosine).toHaveLength(5);
    expect(user.hybrid).toHaveLength(5);
    // Reasons and descriptions are on every card, each span of a description with its source on hover.
    const cards: { reasons: number; description: string; sources: string[] }[] = await page.$$eval(
      '[data-testid=recs-cosine] li.rec',
      (lis: any[]) =>
        lis.map((li) => ({
          reasons: li.querySelectorAll('.reasons li').length,
          description: li.querySelector('.description').textContent.trim(),
          sources: [...li.querySelectorAll('.description .claim')].map((s: any) => s.title),
        })),
    );
    for (const card of cards) {
      expect(card.reasons).toBeGreaterThan(0);
      expect(card.description.length).toBeGreaterThan(0);
      expect(card.sources.length).toBeGreaterThan(0);
      for (const source of card.sources)
        expect(source).toMatch(
          /^(description: description\[\d+\]|title: title|brand: brand|category: categories\[\d+\]|tag: tags\[\d+\]|price: price|attribute: attributes\..+)$/,
        );
    }
  });

  it('records a purchase on click: the item leaves the list and the interests move', async () => {
    const before = { cosine: await shown('cosine'), interests: await bars() };
    const bought = before.cosine[0].id;
    const title = await page.textContent(`[data-testid=recs-cosine] li.rec[data-item-id="${bought}"] .title`);
    const n = await loads();
    await page.click(`[data-testid=recs-cosine] li.rec[data-item-id="${bought}"] button.buy`);
    await afterLoad(n + 1);
    expect(await page.textContent('#status')).toBe(`Recorded a purchase of “${title}”.`);
    const after = { cosine: await shown('cosine'), interests: await bars() };
    expect(after.cosine.map((r) => r.id)).not.toContain(bought);
    expect(after.interests).not.toEqual(before.interests);
    const rows = await db.dataSource.query(
      `SELECT kind, counted FROM interactions WHERE user_id = $1 AND item_id = $2`,
      [SHOPPER, bought],
    );
    expect(rows).toEqual([{ kind: 'PURCHASE', counted: true }]);
  });

  it('records a view from the Jaccard column and saves a screenshot', async () => {
    const viewed = (await shown('jaccard'))[0].id;
    const n = await loads();
    await page.click(`[data-testid=recs-jaccard] li.rec[data-item-id="${viewed}"] button.view`);
    await afterLoad(n + 1);
    expect(await page.textContent('#status')).toMatch(/^Recorded a view of “.+”\.$/);
    expect((await shown('jaccard')).map((r) => r.id)).not.toContain(viewed);
    const [{ count }] = await db.dataSource.query(
      `SELECT count(*)::int AS count FROM interactions WHERE user_id = $1 AND item_id = $2 AND kind = 'VIEW'`,
      [SHOPPER, viewed],
    );
    expect(count).toBe(1);
    await page.evaluate(() => (globalThis as any).document.activeElement?.blur());
    await page.mouse.move(0, 0);
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
  });

  it('"Not interested" removes the item from every column at once, and tailor records it', async () => {
    const rejected = (await shown('hybrid'))[0].id;
    const n = await loads();
    await page.click(`[data-testid=recs-hybrid] li.rec[data-item-id="${rejected}"] button.not-interested`);
    await afterLoad(n + 1);
    expect(await page.textContent('#status')).toMatch(/^“.+” will not be shown to this shopper again\.$/);
    for (const list of ['cosine', 'jaccard', 'hybrid'] as const)
      expect((await shown(list)).map((r) => r.id)).not.toContain(rejected);
    const rows = await db.dataSource.query(`SELECT kind FROM interactions WHERE user_id = $1 AND item_id = $2`, [
      SHOPPER,
      rejected,
    ]);
    expect(rows).toEqual([{ kind: 'NOT_INTERESTED' }]);
  });

  it('restricts the three columns to the category chosen, as the API filter does', async () => {
    const options: string[] = await page.$$eval('[data-testid=category] option', (os: any[]) =>
      os.map((o) => o.value).filter(Boolean),
    );
    expect(options.length).toBeGreaterThan(1);
    const category = options[0];
    const n = await loads();
    await page.selectOption('[data-testid=category]', category);
    await afterLoad(n + 1);
    const api = await app.run(
      `query ($id: ID!, $c: String!) { user(id: $id) { recommendations(similarity: HYBRID, first: 5, filter: { categories: [$c] }) { score item { id categories } } } }`,
      { id: SHOPPER, c: category },
      SHOPPER,
    );
    const recs = api.data!.user.recommendations;
    expect(recs.length).toBeGreaterThan(0);
    for (const r of recs) expect(r.item.categories).toContain(category);
    expect((await shown('hybrid')).map((r) => r.id)).toEqual(recs.map((r: { item: { id: string } }) => r.item.id));
    await page.selectOption('[data-testid=category]', '');
    await afterLoad(n + 2);
  });

  it('switches shopper from the picker, and offers the catalogue to one tailor has never seen', async () => {
    const n = await loads();
    await page.fill('#user', 'brand-new-shopper');
    await page.click('#who button[type=submit]');
    await afterLoad(n + 1);
    expect(await bars()).toEqual([]);
    expect((await shown('cosine')).length).toBeGreaterThan(0);
    await page.click('[data-testid=recs-cosine] li.rec:first-child button.view');
    await afterLoad(n + 2);
    expect((await bars()).length).toBeGreaterThan(0);
  });

  it('used only /demo files and the public /graphql endpoint, always as the chosen shopper, without errors', () => {
    expect(problems).toEqual([]);
    const paths = new Set(requests.map((r) => r.path));
    expect([...paths].filter((p) => p !== '/graphql' && !p.startsWith('/demo'))).toEqual([]);
    const gql = requests.filter((r) => r.path === '/graphql');
    expect(gql.length).toBeGreaterThan(4);
    expect(new Set(gql.map((r) => r.userHeader))).toEqual(new Set([SHOPPER, 'brand-new-shopper']));
  });

  it('serves only its three files, and nothing at all in production', async () => {
    const dev = request(app.server.app);
    expect((await dev.get('/demo/app.js')).headers['content-type']).toMatch(/javascript/);
    expect((await dev.get('/demo/router.ts')).status).toBe(404);
    expect((await dev.get('/demo/../package.json')).status).toBe(404);
    const production = testConfig({
      NODE_ENV: 'production',
      DATABASE_URL: db.url,
      GATEWAY_SECRET: 'demo-test-gateway-secret-0123456789abcdef',
    });
    const server = await createHttpServer(app.services, production, createLogger('silent'));
    try {
      expect((await request(server.app).get('/demo/')).status).toBe(404);
    } finally {
      await server.apollo.stop();
    }
  });
});
