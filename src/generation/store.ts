/**
 * Model versions in Postgres (and in files, for the committed sample model), read and written
 * through TensorFlow.js IOHandlers: a version is a generator, the generator as it was after
 * pre-training only, and a discriminator, with the vocabulary, configuration and metrics.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as TF from '@tensorflow/tfjs';
import type { DataSource } from 'typeorm';
import { projectRoot } from '../util/paths';
import { tf } from './backend';
import type { Bundle } from './decode';
import { Discriminator, Generator } from './model';
import { Vocabulary, VocabularyJSON } from './vocabulary';

export type ModelKind = 'generator' | 'generator-pretrained' | 'discriminator';

/** What a model version carries besides the network itself. */
export interface VersionExtras {
  vocabulary?: VocabularyJSON;
  config?: Record<string, unknown>;
  metrics?: Record<string, unknown>;
}

function weightBuffer(data: TF.io.ModelArtifacts['weightData']): Buffer {
  if (!data) throw new Error('model artifacts carry no weights');
  const joined = Array.isArray(data) ? tf().io.concatenateArrayBuffers(data) : data;
  return Buffer.from(joined);
}

function arrayBufferOf(buffer: Buffer): ArrayBuffer {
  return buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength) as ArrayBuffer;
}

/** A data source, an entity manager inside a transaction, or a query runner. */
export interface Queryable {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  query(sql: string, parameters?: unknown[]): Promise<any>;
}

/** A TensorFlow.js IOHandler over one row of `model_versions`. */
export class PostgresModelHandler implements TF.io.IOHandler {
  constructor(
    private readonly db: Queryable,
    private readonly id: string,
    private readonly kind: ModelKind,
    private readonly extras: VersionExtras = {},
  ) {}

  async save(artifacts: TF.io.ModelArtifacts): Promise<TF.io.SaveResult> {
    const weights = weightBuffer(artifacts.weightData);
    await this.db.query(
      `INSERT INTO model_versions (id, kind, topology, weight_specs, weights, vocabulary, config, metrics)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (id) DO NOTHING`,
      [
        this.id,
        this.kind,
        JSON.stringify(artifacts.modelTopology),
        JSON.stringify(artifacts.weightSpecs),
        weights,
        this.extras.vocabulary ? JSON.stringify(this.extras.vocabulary) : null,
        JSON.stringify(this.extras.config ?? {}),
        JSON.stringify(this.extras.metrics ?? {}),
      ],
    );
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON', weightDataBytes: weights.byteLength } };
  }

  async load(): Promise<TF.io.ModelArtifacts> {
    const rows: { topology: object; weight_specs: TF.io.WeightsManifestEntry[]; weights: Buffer }[] = await this.db.query(
      `SELECT topology, weight_specs, weights FROM model_versions WHERE id = $1 AND kind = $2`,
      [this.id, this.kind],
    );
    if (rows.length === 0) throw new Error(`no ${this.kind} model version ${this.id}`);
    const row = rows[0];
    return { modelTopology: row.topology as TF.io.ModelArtifacts['modelTopology'], weightSpecs: row.weight_specs, weightData: arrayBufferOf(row.weights) };
  }
}

/** A TensorFlow.js IOHandler over a folder holding `model.json` and `weights.bin` (the layout tfjs itself writes). */
export class FileModelHandler implements TF.io.IOHandler {
  constructor(private readonly dir: string) {}

  async save(artifacts: TF.io.ModelArtifacts): Promise<TF.io.SaveResult> {
    mkdirSync(this.dir, { recursive: true });
    const weights = weightBuffer(artifacts.weightData);
    writeFileSync(join(this.dir, 'weights.bin'), weights);
    const manifest = {
      format: artifacts.format,
      generatedBy: artifacts.generatedBy,
      convertedBy: artifacts.convertedBy ?? null,
      modelTopology: artifacts.modelTopology,
      weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }],
    };
    writeFileSync(join(this.dir, 'model.json'), `${JSON.stringify(manifest)}\n`);
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON', weightDataBytes: weights.byteLength } };
  }

  async load(): Promise<TF.io.ModelArtifacts> {
    const manifest = JSON.parse(readFileSync(join(this.dir, 'model.json'), 'utf8')) as {
      modelTopology: TF.io.ModelArtifacts['modelTopology'];
      weightsManifest: { paths: string[]; weights: TF.io.WeightsManifestEntry[] }[];
    };
    const group = manifest.weightsManifest[0];
    const weights = Buffer.concat(group.paths.map((p) => readFileSync(join(this.dir, p))));
    return { modelTopology: manifest.modelTopology, weightSpecs: group.weights, weightData: arrayBufferOf(weights) };
  }
}

/** Everything one trained version consists of. */
export interface StoredVersion {
  version: string;
  vocab: Vocabulary;
  generator: Generator;
  pretrained: Generator;
  discriminator: Discriminator;
  config: Record<string, unknown>;
  metrics: Record<string, unknown>;
}

export function newVersionId(preset: string): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `gen-${stamp}-${preset}-${randomBytes(3).toString('hex')}`;
}

const pretrainedId = (version: string) => `${version}:pretrained`;
const discriminatorId = (version: string) => `${version}:discriminator`;

/**
 * Stores a version. The generator row is written last: processes look for the newest generator,
 * so they never see a version whose other parts are not there yet.
 */
export async function saveVersion(db: DataSource, v: StoredVersion): Promise<void> {
  const extras = { vocabulary: v.vocab.json, config: { ...v.config, pretrained: pretrainedId(v.version), discriminator: discriminatorId(v.version) }, metrics: v.metrics };
  await db.transaction(async (q) => {
    await new PostgresModelHandler(q, discriminatorId(v.version), 'discriminator').save(await v.discriminator.artifacts());
    await new PostgresModelHandler(q, pretrainedId(v.version), 'generator-pretrained', extras).save(await v.pretrained.artifacts());
    await new PostgresModelHandler(q, v.version, 'generator', extras).save(await v.generator.artifacts());
  });
}

/** The newest generator's version id, or null when there is none. */
export async function newestVersion(db: DataSource): Promise<string | null> {
  const rows: { id: string }[] = await db.query(`SELECT id FROM model_versions WHERE kind = 'generator' ORDER BY created_at DESC, id DESC LIMIT 1`);
  return rows[0]?.id ?? null;
}

export async function loadVersion(db: DataSource, version: string): Promise<StoredVersion> {
  const rows: { vocabulary: VocabularyJSON; config: Record<string, unknown>; metrics: Record<string, unknown> }[] = await db.query(
    `SELECT vocabulary, config, metrics FROM model_versions WHERE id = $1 AND kind = 'generator'`,
    [version],
  );
  if (rows.length === 0) throw new Error(`no model version ${version}`);
  const { vocabulary, config, metrics } = rows[0];
  const generator = Generator.fromArtifacts(await new PostgresModelHandler(db, version, 'generator').load());
  const pretrained = Generator.fromArtifacts(await new PostgresModelHandler(db, String(config.pretrained ?? pretrainedId(version)), 'generator-pretrained').load());
  const discriminator = Discriminator.fromArtifacts(await new PostgresModelHandler(db, String(config.discriminator ?? discriminatorId(version)), 'discriminator').load());
  return { version, vocab: new Vocabulary(vocabulary), generator, pretrained, discriminator, config, metrics };
}

export function asBundle(v: StoredVersion): Bundle {
  return { version: v.version, generator: v.generator, discriminator: v.discriminator, vocab: v.vocab };
}

export function disposeVersion(v: StoredVersion): void {
  v.generator.dispose();
  v.pretrained.dispose();
  v.discriminator.dispose();
}

/** The committed sample model. */
export function bundledModelDir(): string {
  return join(projectRoot(), 'models', 'sample');
}

/** Writes a version as files (the committed sample model is one). */
export async function exportVersion(v: StoredVersion, dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  await new FileModelHandler(join(dir, 'generator')).save(await v.generator.artifacts());
  await new FileModelHandler(join(dir, 'pretrained')).save(await v.pretrained.artifacts());
  await new FileModelHandler(join(dir, 'discriminator')).save(await v.discriminator.artifacts());
  writeFileSync(join(dir, 'vocabulary.json'), `${JSON.stringify(v.vocab.json)}\n`);
  writeFileSync(join(dir, 'version.json'), `${JSON.stringify({ version: v.version, config: v.config, metrics: v.metrics }, null, 2)}\n`);
}

export async function importVersion(dir: string): Promise<StoredVersion> {
  const meta = JSON.parse(readFileSync(join(dir, 'version.json'), 'utf8')) as { version: string; config: Record<string, unknown>; metrics: Record<string, unknown> };
  const vocab = new Vocabulary(JSON.parse(readFileSync(join(dir, 'vocabulary.json'), 'utf8')) as VocabularyJSON);
  return {
    version: meta.version,
    vocab,
    generator: Generator.fromArtifacts(await new FileModelHandler(join(dir, 'generator')).load()),
    pretrained: Generator.fromArtifacts(await new FileModelHandler(join(dir, 'pretrained')).load()),
    discriminator: Discriminator.fromArtifacts(await new FileModelHandler(join(dir, 'discriminator')).load()),
    config: meta.config,
    metrics: meta.metrics,
  };
}

/**
 * Stores the committed sample model as a version when the database has no generator yet, so a
 * fresh database writes descriptions at once. Idempotent (also across racing processes).
 * Returns the version installed, or null when there was one already or no bundled model.
 */
export async function installBundledModel(db: DataSource, dir = bundledModelDir()): Promise<string | null> {
  if ((await newestVersion(db)) !== null) return null;
  if (!existsSync(join(dir, 'version.json'))) return null;
  const v = await importVersion(dir);
  try {
    await saveVersion(db, v);
  } finally {
    disposeVersion(v);
  }
  return v.version;
}
