/**
 * SIGTERM on a real tailor process: it stops accepting connections, finishes the request in
 * flight, closes its pool (and its embedded PostgreSQL, on the `npm start` path) and exits 0.
 * The request in flight is held open deterministically: its headers are sent, half its body,
 * then the signal, then the rest of the body.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnReplica, Replica } from '../../bench/replica-start';
import { createTestDatabase, TestDatabase } from '../support/db';
import { freePort } from '../support/free-port';

/** Sends the request line, headers and the first half of the body; `finish` sends the rest and resolves with the raw response. */
function halfSentRequest(base: string, body: string): Promise<{ finish: () => Promise<string> }> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => {
      const bytes = Buffer.from(body);
      const half = Math.floor(bytes.length / 2);
      socket.write(
        `POST /graphql HTTP/1.1\r\nHost: ${hostname}:${port}\r\nContent-Type: application/json\r\nx-user-id: sim-user-001\r\n` +
          `Content-Length: ${bytes.length}\r\nConnection: close\r\n\r\n`,
      );
      socket.write(bytes.subarray(0, half));
      let response = '';
      const ended = new Promise<string>((done) => socket.on('end', () => done(response)));
      socket.on('data', (chunk) => (response += chunk.toString('utf8')));
      resolve({
        finish: async () => {
          socket.write(bytes.subarray(half));
          return ended;
        },
      });
    });
    socket.on('error', reject);
  });
}

async function waitForLog(replica: Replica, msg: string): Promise<void> {
  for (let i = 0; i < 400 && !replica.logs.some((l) => l.msg === msg); i++) await new Promise((r) => setTimeout(r, 25));
  if (!replica.logs.some((l) => l.msg === msg)) throw new Error(`no "${msg}" in ${replica.name}'s log`);
}

describe('graceful shutdown on SIGTERM', () => {
  let db: TestDatabase;
  const dirs: string[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.close();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  const cases: [string, () => Promise<Parameters<typeof spawnReplica>[0]>][] = [
    [
      'on DATABASE_URL (production)',
      () =>
        Promise.resolve({
          databaseUrl: db.url,
          schema: db.schema,
          env: { GATEWAY_SECRET: 'shutdown-test-gateway-secret-0123456789' },
        }),
    ],
    [
      'on the embedded PostgreSQL (the npm start path)',
      async () => {
        // A data folder the postgres user may create (the process runs PostgreSQL as that user when root).
        const dir = mkdtempSync(join(tmpdir(), 'tailor-shutdown-'));
        dirs.push(dir);
        rmSync(dir, { recursive: true });
        return {
          schema: 'public',
          env: { NODE_ENV: 'development', EMBEDDED_PG_PORT: String(await freePort()), EMBEDDED_PG_DIR: dir },
        };
      },
    ],
  ];

  it.each(cases)(
    '%s: refuses new connections, finishes the request in flight, closes everything, exits 0',
    async (_name, options) => {
      const replica = await spawnReplica({ ...(await options()), timeoutMs: 180_000 });
      let exited: Promise<number | null> | undefined;
      try {
        const query = JSON.stringify({
          query: '{ items(first: 2) { edges { node { id } } pageInfo { hasNextPage } } }',
        });
        const inFlight = await halfSentRequest(replica.base, query);
        // The server has the request (headers parsed) before the signal arrives.
        await new Promise((r) => setTimeout(r, 200));
        exited = new Promise((resolve) => replica.child.once('exit', (code) => resolve(code)));
        replica.child.kill('SIGTERM');
        await waitForLog(replica, 'stopping: draining in-flight requests');
        // Stop accepting: a new connection is refused while the old request is still open.
        await new Promise((r) => setTimeout(r, 200));
        await expect(fetch(`${replica.base}/health`)).rejects.toThrow();

        const response = await inFlight.finish();
        expect(response).toMatch(/^HTTP\/1\.1 200/);
        const body = JSON.parse(response.slice(response.indexOf('{'), response.lastIndexOf('}') + 1));
        expect(body.errors).toBeUndefined();
        expect(body.data.items.pageInfo).toEqual({ hasNextPage: expect.any(Boolean) });

        expect(await exited).toBe(0);
        const said = replica.logs.map((l) => l.msg);
        for (const step of ['HTTP drained', 'services closed', 'database pool closed', 'stopped'])
          expect(said).toContain(step);
      } finally {
        if (replica.child.exitCode === null) replica.child.kill('SIGKILL');
      }
    },
    240_000,
  );
});
