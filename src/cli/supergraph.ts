/**
 * `npm run supergraph [-- --config examples/gateway/supergraph.yaml] [--only subgraph|supergraph]`:
 * prints tailor's subgraph SDL (what `_service { sdl }` answers) and the supergraph composed from
 * the subgraphs a Rover config names, with @apollo/composition: the same check a gateway or
 * Rover makes. Exits 1 with the composition errors when the subgraphs do not compose.
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { composeServices } from '@apollo/composition';
import { graphql } from 'graphql';
import gql from 'graphql-tag';
import { buildSchema } from '../graphql';
import { projectRoot } from '../util/paths';
import { flags } from './database';

export interface SubgraphSource {
  name: string;
  routingUrl: string;
  /** A schema file (relative to the config), or a running subgraph to ask for `_service { sdl }`. */
  file?: string;
  subgraphUrl?: string;
}

/**
 * Reads the `subgraphs:` of a Rover supergraph config. Only the shape Rover documents for local
 * composition (routing_url, and schema.file or schema.subgraph_url) is understood; anything else
 * is refused rather than guessed at.
 */
export function readSupergraphConfig(path: string): SubgraphSource[] {
  const sources: SubgraphSource[] = [];
  let current: SubgraphSource | undefined;
  let inSubgraphs = false;
  for (const raw of readFileSync(path, 'utf8').split('\n')) {
    const line = raw.replace(/\s+#.*$/, '').replace(/^#.*$/, '');
    if (line.trim() === '') continue;
    const indent = line.length - line.trimStart().length;
    const [key, ...rest] = line.trim().split(':');
    const value = rest
      .join(':')
      .trim()
      .replace(/^["']|["']$/g, '');
    if (indent === 0) {
      inSubgraphs = key === 'subgraphs';
      continue;
    }
    if (!inSubgraphs) continue;
    if (indent === 2) {
      current = { name: key, routingUrl: '' };
      sources.push(current);
    } else if (current && key === 'routing_url') current.routingUrl = value;
    else if (current && key === 'file') current.file = isAbsolute(value) ? value : resolve(dirname(path), value);
    else if (current && key === 'subgraph_url') current.subgraphUrl = value;
    else if (key !== 'schema') throw new Error(`${path}: cannot read "${line.trim()}"`);
  }
  for (const s of sources) {
    if (!s.routingUrl || (!s.file && !s.subgraphUrl))
      throw new Error(`${path}: subgraph ${s.name} needs routing_url and schema.file or schema.subgraph_url`);
  }
  return sources;
}

/** Tailor's subgraph SDL: what the server's own schema answers to `_service { sdl }`. */
export async function tailorSubgraphSdl(): Promise<string> {
  const result = await graphql({ schema: buildSchema(), source: '{ _service { sdl } }' });
  if (result.errors) throw new Error(`tailor's schema did not answer _service: ${result.errors[0].message}`);
  return (result.data as { _service: { sdl: string } })._service.sdl;
}

async function sdlOf(source: SubgraphSource): Promise<string> {
  if (source.file) {
    // Tailor's own file is printed through the server's schema, exactly as _service answers.
    return resolve(source.file) === join(projectRoot(), 'schema.graphql')
      ? await tailorSubgraphSdl()
      : readFileSync(source.file, 'utf8');
  }
  const res = await fetch(source.subgraphUrl!, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ _service { sdl } }' }),
  });
  const body = (await res.json()) as { data?: { _service: { sdl: string } } };
  if (!body.data) throw new Error(`${source.name}: ${source.subgraphUrl} did not answer _service { sdl }`);
  return body.data._service.sdl;
}

export interface Composition {
  supergraphSdl?: string;
  errors: string[];
  hints: string[];
}

export async function composeFromConfig(configPath: string): Promise<Composition> {
  const sources = readSupergraphConfig(configPath);
  const services = await Promise.all(
    sources.map(async (s) => ({ name: s.name, url: s.routingUrl, typeDefs: gql(await sdlOf(s)) })),
  );
  const result = composeServices(services);
  return {
    supergraphSdl: result.errors ? undefined : result.supergraphSdl,
    errors: (result.errors ?? []).map((e) => `${(e.extensions?.code as string) ?? 'ERROR'}: ${e.message}`),
    hints: (result.hints ?? []).map((h) => `${h.definition.code}: ${h.message}`),
  };
}

async function main(): Promise<void> {
  // `npm run supergraph | head` closes the pipe early: that is not an error.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => process.exit(err.code === 'EPIPE' ? 0 : 1));
  const args = flags(process.argv.slice(2));
  const configPath = resolve(args.get('config') ?? join(projectRoot(), 'examples', 'gateway', 'supergraph.yaml'));
  const only = args.get('only');
  if (only && only !== 'subgraph' && only !== 'supergraph') throw new Error('--only takes subgraph or supergraph');
  if (only !== 'supergraph') {
    if (!only) process.stdout.write(`# tailor's subgraph SDL (_service { sdl })\n`);
    process.stdout.write(`${(await tailorSubgraphSdl()).trimEnd()}\n`);
  }
  if (only === 'subgraph') return;
  const composition = await composeFromConfig(configPath);
  for (const hint of composition.hints) process.stderr.write(`hint ${hint}\n`);
  if (!composition.supergraphSdl) {
    process.stderr.write(
      `composition of ${configPath} failed:\n${composition.errors.map((e) => `  ${e}`).join('\n')}\n`,
    );
    process.exit(1);
  }
  if (!only) process.stdout.write(`\n# supergraph composed from ${configPath}\n`);
  process.stdout.write(`${composition.supergraphSdl.trimEnd()}\n`);
}

if (require.main === module) {
  main().catch((e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  });
}
