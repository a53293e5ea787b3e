/**
 * npm run soak [-- --minutes=10 --rate=100]: a fixed request rate against a real tailor process
 * for a long time (a script, not CI), reporting memory growth and errors. The mix is reads of
 * recommendations with descriptions, single items, and writes of interactions.
 */
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import { SERVICE_HEADERS, startTailorProcess } from './lib/tailor-process';

const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]));
const MINUTES = Number(args.get('minutes') ?? 10);
const RATE = Number(args.get('rate') ?? 100);

function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024;
}

async function main() {
  const tailor = await startTailorProcess('bench_soak', { RATE_LIMIT_MUTATIONS_PER_MINUTE: '100000000' });
  const samples: { at: number; rss: number }[] = [];
  const sampler = setInterval(() => samples.push({ at: Date.now(), rss: rssMiB(tailor.child.pid!) }), 10_000);
  let i = 0;
  const bodies = [
    () => ({
      query: `query ($u: ID!) { user(id: $u) { recommendations(first: 10) { score item { id title personalisedDescription { text } } } } }`,
      variables: { u: `sim-user-${String((i % 60) + 1).padStart(3, '0')}` },
    }),
    () => ({ query: `{ items(first: 20) { edges { node { id features { term weight } } } } }` }),
    () => ({
      query: `mutation ($input: RecordInteractionInput!) { recordInteraction(input: $input) { replayed } }`,
      variables: {
        input: { userId: `soak-${i % 500}`, itemId: 'B00005N7NQ', kind: 'VIEW', idempotencyKey: `soak-${i}` },
      },
    }),
  ];
  try {
    samples.push({ at: Date.now(), rss: rssMiB(tailor.child.pid!) });
    const result = await new Promise<autocannon.Result>((resolve, reject) =>
      autocannon(
        {
          url: tailor.url,
          connections: 20,
          overallRate: RATE,
          duration: MINUTES * 60,
          method: 'POST',
          headers: SERVICE_HEADERS,
          requests: [{ setupRequest: (req: any) => ({ ...req, body: JSON.stringify(bodies[i++ % bodies.length]()) }) }],
        },
        (err, r) => (err ? reject(err instanceof Error ? err : new Error(String(err))) : resolve(r)),
      ),
    );
    clearInterval(sampler);
    samples.push({ at: Date.now(), rss: rssMiB(tailor.child.pid!) });
    const minute = 60_000;
    const start = samples[0].at;
    const early = samples.filter((s) => s.at - start <= 2 * minute).map((s) => s.rss);
    const late = samples.filter((s) => samples[samples.length - 1].at - s.at <= 2 * minute).map((s) => s.rss);
    const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    process.stdout.write(
      [
        `soak: ${MINUTES} min at ${RATE} req/s against a production-mode tailor on the sample data`,
        `requests ${result.requests.total}, errors ${result.errors}, non-2xx ${result.non2xx}, p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms`,
        `RSS: first 2 min avg ${avg(early).toFixed(1)} MiB, last 2 min avg ${avg(late).toFixed(1)} MiB, growth ${(avg(late) - avg(early)).toFixed(1)} MiB; max ${Math.max(...samples.map((s) => s.rss)).toFixed(1)} MiB`,
      ].join('\n') + '\n',
    );
  } finally {
    clearInterval(sampler);
    await tailor.stop();
  }
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
