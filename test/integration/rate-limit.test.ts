import { createTestApp, TestApp } from '../support/app';
import { createTestDatabase, TestDatabase } from '../support/db';
import { RECORD } from '../support/documents';
import { insertItems, item } from '../support/factories';

describe('the mutation rate limit', () => {
  let db: TestDatabase;
  let app: TestApp;
  let url: string;
  beforeAll(async () => {
    db = await createTestDatabase();
    await insertItems(db.dataSource, [item('r1')]);
    app = await createTestApp(db, { env: { RATE_LIMIT_MUTATIONS_PER_MINUTE: '1' } });
    url = await app.listen();
  });
  afterAll(async () => {
    await app.close();
    await db.close();
  });

  it('answers a client over its budget with 429 RATE_LIMITED, and still answers its queries', async () => {
    const post = (body: object) =>
      fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-user-id': 'busy' },
        body: JSON.stringify(body),
      });
    const input = { userId: 'busy', itemId: 'r1', kind: 'VIEW' };
    expect((await post({ query: RECORD, variables: { input } })).status).toBe(200);
    const refused = await post({ query: RECORD, variables: { input } });
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as { errors: { extensions: { code: string } }[] }).errors[0].extensions.code).toBe(
      'RATE_LIMITED',
    );
    expect((await post({ query: '{ item(id: "r1") { id } }' })).status).toBe(200);
  });
});
