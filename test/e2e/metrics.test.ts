/** /metrics over real HTTP, scraped as Prometheus would, after real requests. */
import { createTestApp, TestApp } from '../support/app';
import { createTestDatabase, TestDatabase } from '../support/db';
import { insertItems, item } from '../support/factories';

describe('Prometheus metrics at /metrics', () => {
  let db: TestDatabase;
  let app: TestApp;
  let url: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    await insertItems(db.dataSource, [
      item('a', { title: 'Sky at Night', tags: ['astronomy', 'space'] }),
      item('b', { title: 'Orbit', tags: ['space', 'rockets'] }),
    ]);
    app = await createTestApp(db);
    url = await app.listen();
  });
  afterAll(async () => {
    await app.close();
    await db.close();
  });

  const post = (query: string, variables: object = {}) =>
    fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-user-id': 'm-1' },
      body: JSON.stringify({ query, variables }),
    });
  const scrape = async () => {
    const res = await fetch(url.replace(/\/graphql$/, '/metrics'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    return res.text();
  };
  /** The value of one sample line, by metric name and exact label set as printed. */
  const sample = (text: string, series: string) => {
    const line = text.split('\n').find((l) => l.startsWith(`${series} `));
    return line === undefined ? undefined : Number(line.slice(series.length + 1));
  };

  it('counts requests per operation and similarity, errors by code, and shows the index, pool and model', async () => {
    await post(`mutation { recordInteraction(input: { userId: "m-1", itemId: "a", kind: VIEW }) { replayed } }`);
    const hybrid = `query ($s: Similarity) { user(id: "m-1") { recommendations(similarity: $s, first: 2) { score } } }`;
    for (let i = 0; i < 3; i++) expect((await post(hybrid, { s: 'HYBRID' })).status).toBe(200);
    await post(`{ user(id: "m-1") { recommendations(similarity: JACCARD, first: -1) { score } } }`);
    const text = await scrape();

    expect(
      sample(text, 'tailor_graphql_request_duration_seconds_count{operation="query:user",similarity="HYBRID"}'),
    ).toBe(3);
    expect(
      sample(
        text,
        'tailor_graphql_request_duration_seconds_count{operation="mutation:recordInteraction",similarity="none"}',
      ),
    ).toBe(1);
    expect(
      sample(
        text,
        'tailor_graphql_request_duration_seconds_bucket{le="+Inf",operation="query:user",similarity="HYBRID"}',
      ),
    ).toBe(3);
    expect(sample(text, 'tailor_graphql_errors_total{code="BAD_USER_INPUT"}')).toBe(1);
    expect(sample(text, 'tailor_index_items')).toBe(2);
    expect(sample(text, 'tailor_index_build_seconds')).toBeGreaterThanOrEqual(0);
    expect(sample(text, 'tailor_cooccurrence_pairs')).toBe(0);
    expect(sample(text, 'tailor_db_pool_connections{state="total"}')).toBeGreaterThan(0);
    expect(sample(text, 'tailor_model_info{version="none"}')).toBe(1);
    expect(sample(text, 'tailor_description_cache_lookups{result="hit"}')).toBe(0);
    expect(text).toMatch(/^tailor_process_resident_memory_bytes \d+/m);
  });
});
