/**
 * The database goes away under traffic and comes back: requests fail fast with
 * SERVICE_UNAVAILABLE, /ready says 503, the process recovers by itself, and every event it
 * acknowledged is in the database.
 */
import { createTestApp, TestApp } from '../support/app';
import { createTestDatabase, TestDatabase } from '../support/db';
import { insertItems, item } from '../support/factories';
import { TcpProxy, viaProxy } from '../support/tcp-proxy';
import { RECORD } from '../support/documents';

describe('when the database goes away', () => {
  let db: TestDatabase;
  let proxy: TcpProxy;
  let app: TestApp;
  let base: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    await insertItems(db.dataSource, [item('i1', { tags: ['a'] }), item('i2', { tags: ['b'] })]);
    const target = new URL(db.url);
    proxy = new TcpProxy(target.hostname, Number(target.port || 5432));
    await proxy.start();
    app = await createTestApp(db, {
      url: viaProxy(db.url, proxy.port),
      env: { LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent' },
    });
    base = (await app.listen()).replace('/graphql', '');
  });
  afterAll(async () => {
    await app.close();
    await proxy.cut();
    await db.close();
  });

  const send = async (key: string) => {
    const started = Date.now();
    const res = await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-user-id': 'load' },
      body: JSON.stringify({
        query: RECORD,
        variables: {
          input: { userId: 'load', itemId: key.endsWith('0') ? 'i1' : 'i2', kind: 'VIEW', idempotencyKey: key },
        },
      }),
    });
    const body: any = await res.json();
    return {
      ok: !body.errors,
      codes: (body.errors ?? []).map((e: any) => e.extensions?.code),
      ms: Date.now() - started,
      text: JSON.stringify(body),
    };
  };

  it('fails fast, reports not ready, recovers, and loses no acknowledged event', async () => {
    const acknowledged: string[] = [];
    const failures: string[][] = [];
    let n = 0;
    const burst = async (count: number) => {
      const keys = Array.from({ length: count }, () => `k${n++}`);
      const results = await Promise.all(keys.map(send));
      results.forEach((r, i) => (r.ok ? acknowledged.push(keys[i]) : failures.push(r.codes)));
      return results;
    };

    await burst(40);
    expect(failures).toEqual([]);

    await proxy.cut();
    const down = await burst(20);
    expect(down.every((r) => !r.ok)).toBe(true);
    expect(new Set(failures.flat())).toEqual(new Set(['SERVICE_UNAVAILABLE']));
    expect(Math.max(...down.map((r) => r.ms))).toBeLessThan(6_000);
    for (const r of down) expect(r.text).not.toMatch(/stacktrace|ECONNREFUSED|at .*\.(ts|js):\d+/);
    const ready = await fetch(`${base}/ready`);
    expect(ready.status).toBe(503);
    expect((await fetch(`${base}/health`)).status).toBe(200);

    await proxy.start();
    const recoveredBy = Date.now() + 15_000;
    for (;;) {
      const r = await send(`probe-${n++}`);
      if (r.ok) break;
      if (Date.now() > recoveredBy) throw new Error(`did not recover: ${r.text}`);
      await new Promise((res) => setTimeout(res, 200));
    }
    expect((await fetch(`${base}/ready`)).status).toBe(200);
    await burst(40);

    const stored = await db.dataSource.query(`SELECT idempotency_key FROM interactions WHERE user_id = 'load'`);
    const keys = new Set(stored.map((r: { idempotency_key: string }) => r.idempotency_key));
    const lost = acknowledged.filter((k) => !keys.has(k));
    expect(acknowledged.length).toBeGreaterThanOrEqual(80);
    expect(lost).toEqual([]);
  });
});
