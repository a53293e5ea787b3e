import { createTestApp, TestApp } from '../support/app';
import { createTestDatabase, TestDatabase } from '../support/db';
import { insertItems, item } from '../support/factories';
import { RECORD_COUNTED as RECORD } from '../support/documents';

const PERSONAL = `query ($u: ID!) { user(id: $u) { interests { term } recommendations(first: 2) { strategy item { id } } } }`;

describe('who may see what, consent and forgetting', () => {
  let db: TestDatabase;
  let app: TestApp;
  let other: TestApp;

  beforeAll(async () => {
    db = await createTestDatabase();
    await insertItems(db.dataSource, [
      item('s1', { categories: ['Science'], tags: ['astronomy'] }),
      item('s2', { categories: ['Science'], tags: ['astronomy', 'space'] }),
      item('f1', { categories: ['Fashion'], tags: ['fashion'] }),
    ]);
    app = await createTestApp(db);
    other = await createTestApp(db);
    await app.run(
      RECORD,
      { input: { userId: 'alice', itemId: 's1', kind: 'PURCHASE', idempotencyKey: 'a1' } },
      'alice',
    );
    await app.run(RECORD, { input: { userId: 'bob', itemId: 'f1', kind: 'PURCHASE' } }, 'bob');
  });
  afterAll(async () => {
    await app.close();
    await other.close();
    await db.close();
  });

  it("lets a user read their own personal fields, a service anyone's, and nobody else", async () => {
    const own = await app.run(PERSONAL, { u: 'alice' }, 'alice');
    expect(own.errors).toBeUndefined();
    expect(own.data!.user.interests[0].term).toBe('astronomy');
    const service = await app.run(PERSONAL, { u: 'alice' }, 'service');
    expect(service.errors).toBeUndefined();
    for (const stranger of ['bob', null]) {
      const res = await app.run(
        `query ($u: ID!) { item(id: "s1") { title } user(id: $u) { id interests { term } } }`,
        { u: 'alice' },
        stranger,
      );
      expect(res.errors?.[0].extensions?.code).toBe('FORBIDDEN');
      // The rest of the query still answers.
      expect(res.data!.item).toEqual({ title: 'Item s1' });
    }
  });

  it('refuses to record an interaction for someone else unless a service asks', async () => {
    const res = await app.run(RECORD, { input: { userId: 'alice', itemId: 'f1', kind: 'VIEW' } }, 'bob');
    expect(res.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const [{ n }] = await db.dataSource.query(`SELECT count(*)::int AS n FROM interactions WHERE user_id = 'alice'`);
    expect(n).toBe(1);
  });

  it('learns nothing while consent is off, and answers generically', async () => {
    const off = await app.run(
      `mutation { setPersonalisationConsent(userId: "bob", enabled: false) { userId enabled } }`,
      {},
      'bob',
    );
    expect(off.data!.setPersonalisationConsent).toEqual({ userId: 'bob', enabled: false });
    const before = await db.dataSource.query(
      `SELECT term, weight FROM user_interests WHERE user_id = 'bob' ORDER BY term`,
    );
    const rec = await app.run(RECORD, { input: { userId: 'bob', itemId: 's2', kind: 'PURCHASE' } }, 'bob');
    expect(rec.data!.recordInteraction.interaction).toEqual({ counted: false });
    expect(
      await db.dataSource.query(`SELECT term, weight FROM user_interests WHERE user_id = 'bob' ORDER BY term`),
    ).toEqual(before);
    const res = await other.run(PERSONAL, { u: 'bob' }, 'bob');
    expect(res.data!.user.interests).toEqual([]);
    expect(res.data!.user.recommendations.every((r: any) => r.strategy === 'POPULAR')).toBe(true);
    await app.run(`mutation { setPersonalisationConsent(userId: "bob", enabled: true) { enabled } }`, {}, 'bob');
    const back = await other.run(PERSONAL, { u: 'bob' }, 'bob');
    expect(back.data!.user.interests.map((i: any) => i.term)).toContain('fashion');
  });

  it('forgets a user completely, in one transaction', async () => {
    const res = await app.run(
      `mutation { forgetUser(userId: "alice") { userId forgotten interactionsDeleted } }`,
      {},
      'alice',
    );
    expect(res.data!.forgetUser).toEqual({ userId: 'alice', forgotten: true, interactionsDeleted: 1 });
    for (const table of ['users WHERE id', 'interactions WHERE user_id', 'user_interests WHERE user_id']) {
      const [{ n }] = await db.dataSource.query(`SELECT count(*)::int AS n FROM ${table} = 'alice'`);
      expect(n).toBe(0);
    }
    const gone = await other.run(PERSONAL, { u: 'alice' }, 'alice');
    expect(gone.data!.user).toBeNull();
    const again = await app.run(
      `mutation { forgetUser(userId: "alice") { forgotten interactionsDeleted } }`,
      {},
      'alice',
    );
    expect(again.data!.forgetUser).toEqual({ forgotten: false, interactionsDeleted: 0 });
    // The same idempotency key is free again: nothing of the old event remains.
    const fresh = await app.run(
      RECORD,
      { input: { userId: 'alice', itemId: 's1', kind: 'VIEW', idempotencyKey: 'a1' } },
      'alice',
    );
    expect(fresh.data!.recordInteraction.replayed).toBe(false);
  });
});
