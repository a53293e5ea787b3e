/**
 * The per-request log line, read back from a real pino logger behind the real HTTP server: one
 * line per request with the operation, time, status, error codes and the hashed viewer, at debug;
 * a request over SLOW_REQUEST_MS at warn; never the query text or the variables.
 */
import pino from 'pino';
import request from 'supertest';
import { hashId } from '../../src/logger';
import { createHttpServer, HttpServer } from '../../src/server';
import { createTestApp, TestApp } from '../support/app';
import { createTestDatabase, TestDatabase } from '../support/db';
import { insertItems, item } from '../support/factories';

type Line = Record<string, unknown>;

describe('per-request log lines', () => {
  let db: TestDatabase;
  let app: TestApp;
  const servers: HttpServer[] = [];

  /** A server on the test's services whose log lines land in `lines`. */
  async function serverLogging(level: string, slowRequestMs: number, lines: Line[]): Promise<HttpServer> {
    const logger = pino({ level }, { write: (s: string) => void lines.push(JSON.parse(s)) });
    const server = await createHttpServer(app.services, { ...app.config, slowRequestMs }, logger);
    servers.push(server);
    return server;
  }
  const post = (server: HttpServer, body: object, user = 'log-reader') =>
    request(server.app).post('/graphql').set('content-type', 'application/json').set('x-user-id', user).send(body);

  beforeAll(async () => {
    db = await createTestDatabase();
    await insertItems(db.dataSource, [item('log-a', { title: 'Log Monthly' })]);
    app = await createTestApp(db);
    await app.services.catalogue.refresh();
  });
  afterAll(async () => {
    for (const s of servers) await s.apollo.stop();
    await app?.close();
    await db?.close();
  });

  it('logs every request at debug: operation, time, status, error codes, hashed viewer, no query text', async () => {
    const lines: Line[] = [];
    const server = await serverLogging('debug', 60_000, lines);
    const shelf = {
      query: 'query Shelf($id: ID!) { item(id: $id) { id } items(first: 1) { edges { node { id } } } }',
      variables: { id: 'secret-variable-value' },
    };
    expect((await post(server, shelf)).status).toBe(200);
    const bad = await post(server, {
      query: 'mutation Oops { recordInteraction(input: { userId: "log-reader", kind: VIEW }) { replayed } }',
    });
    expect(bad.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');

    const logged = lines.filter((l) => l.msg === 'GraphQL request');
    expect(logged).toHaveLength(2);
    expect(logged[0]).toMatchObject({
      level: 20,
      operation: 'Shelf',
      status: 200,
      errors: [],
      viewer: hashId('log-reader'),
    });
    expect(typeof logged[0].ms).toBe('number');
    expect(logged[1]).toMatchObject({ operation: 'Oops', errors: ['BAD_USER_INPUT'] });
    const text = JSON.stringify(lines);
    expect(text).not.toContain('log-reader');
    expect(text).not.toContain('secret-variable-value');
    expect(text).not.toContain('items(first');
  });

  it('logs a request over SLOW_REQUEST_MS at warn, and nothing at info for the others', async () => {
    const slowLines: Line[] = [];
    const slow = await serverLogging('info', 0, slowLines);
    await post(slow, { query: '{ items(first: 1) { edges { node { id } } } }' });
    expect(slowLines.filter((l) => l.msg === 'slow GraphQL request')).toEqual([
      expect.objectContaining({ level: 40, operation: null, status: 200 }),
    ]);

    const quietLines: Line[] = [];
    const quiet = await serverLogging('info', 60_000, quietLines);
    await post(quiet, { query: '{ items(first: 1) { edges { node { id } } } }' });
    expect(quietLines.filter((l) => String(l.msg).includes('GraphQL request'))).toEqual([]);
  });
});
