import { createTestApp, TestApp } from '../support/app';
import { createTestDatabase, TestDatabase } from '../support/db';
import { insertItems, item } from '../support/factories';

describe('over HTTP, as a frontend asks', () => {
  let db: TestDatabase;
  let app: TestApp;
  let url: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    await insertItems(db.dataSource, [
      item('a', { title: 'Sky at Night', brand: 'Pole Star', categories: ['Science'], tags: ['astronomy', 'space'] }),
      item('b', { title: 'Orbit', brand: 'Orbit Media', categories: ['Science'], tags: ['space', 'rockets'] }),
      item('c', { title: 'Vogue', brand: 'Conde Nast', categories: ['Fashion'], tags: ['fashion'] }),
    ]);
    app = await createTestApp(db);
    url = await app.listen();
  });
  afterAll(async () => {
    await app.close();
    await db.close();
  });

  const post = (body: object, headers: Record<string, string> = {}) =>
    fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });

  it("records a view over HTTP, then answers a query in the README example's shape from it", async () => {
    const recorded = await post(
      {
        query: `mutation { recordInteraction(input: { userId: "u-1", itemId: "a", kind: VIEW }) { replayed interaction { counted } } }`,
      },
      { 'x-user-id': 'u-1' },
    );
    expect(recorded.status).toBe(200);
    expect(((await recorded.json()) as any).data.recordInteraction).toEqual({
      replayed: false,
      interaction: { counted: true },
    });

    const res = await post(
      {
        query: `query ($id: ID!) { user(id: $id) { id interests(first: 3) { term weight }
          recommendations(first: 2) { score strategy item { id title } reasons { term weight } } } }`,
        variables: { id: 'u-1' },
      },
      { 'x-user-id': 'u-1' },
    );
    expect(res.status).toBe(200);
    const body: any = await res.json();
    expect(body.errors).toBeUndefined();
    // Terms only item a has (astronomy, pole star) weigh more than those it shares with b; ties go by term.
    expect(body.data.user.interests.map((i: { term: string }) => i.term)).toEqual([
      'astronomy',
      'pole star',
      'science',
    ]);
    expect(body.data.user.recommendations[0]).toMatchObject({
      strategy: 'PERSONALISED',
      item: { id: 'b', title: 'Orbit' },
    });
    expect(body.data.user.recommendations[0].reasons.map((r: { term: string }) => r.term).sort()).toEqual([
      'science',
      'space',
    ]);
  });

  it("refuses to show one user's interests to another", async () => {
    const res = await post({ query: `{ user(id: "u-1") { id interests { term } } }` }, { 'x-user-id': 'u-2' });
    const body: any = await res.json();
    expect(body.data.user).toBeNull();
    expect(body.errors[0].extensions.code).toBe('FORBIDDEN');
  });

  it('answers health and readiness as JSON', async () => {
    const base = url.replace('/graphql', '');
    const health = await fetch(`${base}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${base}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', items: 3 });
  });

  it('returns a federated trace (ftv1) when the gateway asks for one', async () => {
    const res = await post({ query: `{ item(id: "a") { title } }` }, { 'apollo-federation-include-trace': 'ftv1' });
    const body: any = await res.json();
    expect(body.data.item.title).toBe('Sky at Night');
    expect(typeof body.extensions.ftv1).toBe('string');
    expect(body.extensions.ftv1.length).toBeGreaterThan(10);
  });

  it('answers malformed requests with a code and no stack trace', async () => {
    const broken = await post({ query: `{ item(id: "a") { title ` });
    const body: any = await broken.json();
    // graphql-armor's token limit parses first and reports syntax errors as validation failures.
    expect(['GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED']).toContain(body.errors[0].extensions.code);
    expect(body.errors[0].message).toMatch(/Syntax Error/);
    expect(JSON.stringify(body)).not.toMatch(/stacktrace|at .*\.ts:\d+/);
    const wrongType = await post({
      query: `query ($f: Int) { items(first: $f) { edges { cursor } } }`,
      variables: { f: 'ten' },
    });
    expect(((await wrongType.json()) as any).errors[0].extensions.code).toBe('BAD_USER_INPUT');
    const csrf = await fetch(`${url}?query=${encodeURIComponent('{ __typename }')}`);
    expect(csrf.status).toBe(400);
  });
});
