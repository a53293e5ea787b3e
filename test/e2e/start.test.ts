/**
 * What `npm start` does on a fresh machine, as a real process: no DATABASE_URL, so it starts
 * its own embedded PostgreSQL in a new data folder, applies the migrations, loads the shipped
 * sample, and answers the README's example query (read from README.md itself, so the README
 * cannot drift from what the service answers) with the sample's real data.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnReplica, Replica } from '../../bench/replica-start';
import { projectRoot } from '../../src/util/paths';
import { freePort } from '../support/free-port';

/** The README's curl example: its user header and its JSON body. */
function readmeExample(): { user: string; body: { query: string } } {
  const readme = readFileSync(join(projectRoot(), 'README.md'), 'utf8');
  const curl = /```sh\n(curl -s http:\/\/localhost:4001\/graphql[\s\S]*?)```/.exec(readme);
  if (!curl) throw new Error('README.md has no curl example for http://localhost:4001/graphql');
  const user = /-H 'x-user-id: ([^']+)'/.exec(curl[1]);
  const data = /-d '([^']+)'/.exec(curl[1]);
  if (!user || !data) throw new Error(`README.md's curl example has no x-user-id header or -d body: ${curl[1]}`);
  return { user: user[1], body: JSON.parse(data[1]) };
}

describe('npm start on a fresh machine (embedded PostgreSQL, shipped sample)', () => {
  let replica: Replica | undefined;
  // Directly under the temp dir: as root, PostgreSQL runs as the postgres user, which must be able to create it.
  const dir = join(tmpdir(), `tailor-start-${randomBytes(4).toString('hex')}`);

  afterAll(async () => {
    await replica?.stop(10_000);
    rmSync(dir, { recursive: true, force: true });
  });

  it("answers the README's example query with the sample's real data", async () => {
    replica = await spawnReplica({
      schema: 'public',
      env: {
        NODE_ENV: 'development',
        EMBEDDED_PG_PORT: String(await freePort()),
        EMBEDDED_PG_DIR: dir,
        SEED_SAMPLE: undefined,
        DATABASE_SCHEMA: undefined,
      },
      timeoutMs: 180_000,
    });
    const said = replica.logs.map((l) => l.msg);
    expect(said).toContain('loaded the shipped sample catalogue (simulated users)');

    const { user, body } = readmeExample();
    const res = await fetch(replica.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-user-id': user },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(200);
    const { data, errors } = (await res.json()) as { data: any; errors?: unknown[] };
    expect(errors).toBeUndefined();
    const interests = data.user.interests as { term: string; weight: number }[];
    expect(interests.length).toBeGreaterThan(0);
    const recs = data.user.recommendations as {
      score: number;
      strategy: string;
      item: { id: string; title: string };
      reasons: { label?: string; term?: string }[];
    }[];
    expect(recs.length).toBeGreaterThan(0);
    expect(recs[0].strategy).toBe('PERSONALISED');

    // Real sample data: every recommended item is one of the shipped magazines, with its title.
    const sample = new Map(
      readFileSync(join(projectRoot(), 'data', 'sample', 'items.jsonl'), 'utf8')
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => JSON.parse(l) as { id: string; title: string })
        .map((i) => [i.id, i.title]),
    );
    for (const r of recs) expect(r.item.title).toBe(sample.get(r.item.id));
    // The reasons are the user's own interests, shared with the item.
    const terms = new Set(interests.map((i) => i.term));
    // (The README selects `label`; `term` is its deprecated alias.)
    expect(recs[0].reasons.some((reason) => terms.has(reason.label ?? reason.term ?? ''))).toBe(true);
  }, 240_000);
});
