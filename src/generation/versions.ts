/**
 * Model versions as serving sees them: a policy and a discriminator exported by training in the
 * TensorFlow.js artifact format (topology, weight specs, float32 weights), plus the lead forms
 * mined from the shop's copy. Read in plain JavaScript (serving never loads TensorFlow.js), from
 * Postgres or from the folder of the committed sample model.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { findNetworkRow, findNewestPolicyId, insertNetworkRow, NetworkRow } from '../db/repositories/model-versions';
import { projectRoot } from '../util/paths';
import type { MlpWeights } from './kernels';
import type { LeadForm } from './lead';
import { BUILTIN_FORMS } from './lead';
import type { CopyModel } from './writer';

/** The topology formats of the two networks (the GRU's were `tailor-generator` and `tailor-discriminator`). */
export const POLICY_FORMAT = 'tailor-copy-policy';
export const DISCRIMINATOR_FORMAT = 'tailor-copy-discriminator';

/** One network in TensorFlow.js's artifact shape, as training exports it. */
export interface NetworkArtifacts {
  topology: {
    format: string;
    version: number;
    config: { inputs: number; hidden: number; activation: 'tanh' | 'relu' };
  };
  weightSpecs: { name: string; shape: number[]; dtype: string }[];
  weights: Buffer;
}

/** A version as stored: both networks, the lead forms it serves with, how it was trained and how it did. */
export interface StoredVersion {
  version: string;
  policy: NetworkArtifacts;
  discriminator: NetworkArtifacts;
  config: { inventory: LeadForm[] } & Record<string, unknown>;
  metrics: Record<string, unknown>;
}

export function newVersionId(label: string): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `copy-${stamp}-${label}-${randomBytes(3).toString('hex')}`;
}

const discriminatorId = (version: string) => `${version}:discriminator`;

/** Float32 weights by name from the artifact's specs and buffer (what tf.io.decodeWeights does, for float32). */
export function decodeWeights(specs: NetworkArtifacts['weightSpecs'], weights: Buffer): Map<string, Float32Array> {
  const out = new Map<string, Float32Array>();
  let offset = 0;
  const bytes = Uint8Array.from(weights);
  for (const spec of specs) {
    if (spec.dtype !== 'float32') throw new Error(`weight ${spec.name} is ${spec.dtype}, not float32`);
    const size = spec.shape.reduce((a, b) => a * b, 1);
    out.set(spec.name, new Float32Array(bytes.buffer, offset, size));
    offset += size * 4;
  }
  if (offset !== bytes.byteLength) throw new Error(`weights hold ${bytes.byteLength} bytes, the specs ${offset}`);
  return out;
}

/** The plain-JavaScript network of an artifact. */
export function toMlp(a: NetworkArtifacts, format: string): MlpWeights {
  if (a.topology.format !== format) throw new Error(`not a ${format}: ${a.topology.format}`);
  const w = decodeWeights(a.weightSpecs, a.weights);
  const need = (name: string) => {
    const v = w.get(name);
    if (!v) throw new Error(`${format} lacks weight ${name}`);
    return v;
  };
  const { inputs, hidden, activation } = a.topology.config;
  return {
    inputs,
    hidden,
    activation,
    linear: need('linear'),
    w1: need('w1'),
    b1: need('b1'),
    w2: need('w2'),
    b2: need('b2')[0],
  };
}

export function toCopyModel(v: StoredVersion): CopyModel {
  // Versions trained before leads stopped naming the title as their subject carry that form: left out.
  const stored = (v.config.inventory ?? []).filter((f) => (f as { subject?: string }).subject !== 'title');
  const inventory = stored.length > 0 ? stored : BUILTIN_FORMS;
  return {
    version: v.version,
    policy: toMlp(v.policy, POLICY_FORMAT),
    discriminator: toMlp(v.discriminator, DISCRIMINATOR_FORMAT),
    inventory,
  };
}

function row(id: string, kind: NetworkRow['kind'], a: NetworkArtifacts, v: StoredVersion): NetworkRow {
  return {
    id,
    kind,
    topology: a.topology,
    weightSpecs: a.weightSpecs,
    weights: a.weights,
    config: v.config,
    metrics: v.metrics,
  };
}

/** Stores a version; the policy row is written last, so no process sees a version without its discriminator. */
export async function saveVersion(db: DataSource, v: StoredVersion): Promise<void> {
  await db.transaction(async (q) => {
    await insertNetworkRow(q, row(discriminatorId(v.version), 'discriminator', v.discriminator, v));
    await insertNetworkRow(q, row(v.version, 'generator', v.policy, v));
  });
}

export function newestVersion(db: DataSource): Promise<string | null> {
  return findNewestPolicyId(db, POLICY_FORMAT);
}

function artifacts(r: NetworkRow): NetworkArtifacts {
  return { topology: r.topology as NetworkArtifacts['topology'], weightSpecs: r.weightSpecs, weights: r.weights };
}

export async function loadVersion(db: DataSource, version: string): Promise<StoredVersion> {
  const policy = await findNetworkRow(db, version, 'generator');
  const discriminator = await findNetworkRow(db, discriminatorId(version), 'discriminator');
  if (!policy || !discriminator) throw new Error(`no complete model version ${version}`);
  return {
    version,
    policy: artifacts(policy),
    discriminator: artifacts(discriminator),
    config: policy.config as StoredVersion['config'],
    metrics: policy.metrics,
  };
}

/** The committed sample model. */
export function bundledModelDir(): string {
  return join(projectRoot(), 'models', 'sample');
}

function writeNetwork(dir: string, a: NetworkArtifacts): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'weights.bin'), a.weights);
  const manifest = {
    format: a.topology.format,
    modelTopology: a.topology,
    weightsManifest: [{ paths: ['weights.bin'], weights: a.weightSpecs }],
  };
  writeFileSync(join(dir, 'model.json'), `${JSON.stringify(manifest)}\n`);
}

function readNetwork(dir: string): NetworkArtifacts {
  const manifest = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as {
    modelTopology: NetworkArtifacts['topology'];
    weightsManifest: { paths: string[]; weights: NetworkArtifacts['weightSpecs'] }[];
  };
  const group = manifest.weightsManifest[0];
  return {
    topology: manifest.modelTopology,
    weightSpecs: group.weights,
    weights: Buffer.concat(group.paths.map((p) => readFileSync(join(dir, p)))),
  };
}

/** Writes a version as files in the layout TensorFlow.js writes (model.json beside weights.bin). */
export function exportVersion(v: StoredVersion, dir: string): void {
  writeNetwork(join(dir, 'policy'), v.policy);
  writeNetwork(join(dir, 'discriminator'), v.discriminator);
  writeFileSync(
    join(dir, 'version.json'),
    `${JSON.stringify({ version: v.version, config: v.config, metrics: v.metrics }, null, 2)}\n`,
  );
}

export function importVersion(dir: string): StoredVersion {
  const meta = JSON.parse(readFileSync(join(dir, 'version.json'), 'utf8')) as Pick<
    StoredVersion,
    'version' | 'config' | 'metrics'
  >;
  return { ...meta, policy: readNetwork(join(dir, 'policy')), discriminator: readNetwork(join(dir, 'discriminator')) };
}

/**
 * Stores the committed sample model when the database has no copy model yet, so a fresh
 * database serves a trained policy at once. Idempotent, also across racing processes. Returns
 * the version installed, or null when there was one already or no bundled model.
 */
export async function installBundledModel(db: DataSource, dir = bundledModelDir()): Promise<string | null> {
  if ((await newestVersion(db)) !== null) return null;
  if (!existsSync(join(dir, 'version.json')) || !existsSync(join(dir, 'policy', 'model.json'))) return null;
  const v = importVersion(dir);
  await saveVersion(db, v);
  return v.version;
}
