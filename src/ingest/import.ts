/**
 * Bulk import of items and interactions from JSON Lines: streamed (files larger than memory
 * work), in batches of one statement each, idempotent on re-run, with every rejected line
 * counted and explained: by validation, or by the database (a batch it refuses over one row's
 * data is written again row by row; any other database error stops the import). Interactions
 * go to the log first; the affected users' profiles are then rebuilt from the log with the live
 * path's arithmetic, and the item co-occurrence that HYBRID ranks with is recomputed from the
 * whole log.
 */
import { createHash } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { findItemsByIds, streamItemFeatureSources, upsertItems, ItemInput } from '../db/repositories/items';
import { insertInteractionsBulk, NewInteraction } from '../db/repositories/interactions';
import { rebuildCoOccurrence } from '../db/repositories/pairs';
import { ensureUsers } from '../db/repositories/users';
import { DEFAULT_COLLAB } from '../personalisation/collab';
import { DEFAULT_KIND_WEIGHTS, ProfileOptions } from '../personalisation/interests';
import { itemTermCounts, queryTerms } from '../personalisation/tokenise';
import { rebuildProfiles } from '../services/profiles';
import { type Clock, systemClock } from '../util/clock';
import { Line, readLines } from './lines';
import { Parsed, parseInteraction, parseItem } from './validate';

export interface Rejection {
  file: string;
  line: number;
  reason: string;
}

export interface ImportReport {
  items: { read: number; inserted: number; updated: number; unchanged: number; rejected: number };
  interactions: {
    read: number;
    inserted: number;
    alreadyPresent: number;
    rejected: number;
    usersRebuilt: number;
    coOccurrence?: { pairs: number; items: number };
  };
  /** The first rejections in full (the counts above cover all of them). */
  rejections: Rejection[];
  rejectionsByReason: Record<string, number>;
  /** Wall-clock milliseconds of each phase that ran, in order (where a slow import spends its time). */
  phases: { name: ImportPhase; ms: number }[];
}

export type ImportPhase = 'items' | 'interactions' | 'profiles' | 'co-occurrence';

export interface ImportOptions {
  items?: string;
  interactions?: string;
  batchSize?: number;
  profile: ProfileOptions & { dedupeWindowMs: number };
  /** Called as bytes of the current file are read. */
  onProgress?: (file: string, bytesRead: number) => void;
  /** Called when the catalogue changed, so running servers can be told. */
  onItemsChanged?: () => Promise<void>;
  /** The "now" no event may be ahead of (default: the wall clock). */
  clock?: Clock;
}

const KEEP_REJECTIONS = 50;

export async function importFiles(db: DataSource, options: ImportOptions): Promise<ImportReport> {
  const report: ImportReport = {
    items: { read: 0, inserted: 0, updated: 0, unchanged: 0, rejected: 0 },
    interactions: { read: 0, inserted: 0, alreadyPresent: 0, rejected: 0, usersRebuilt: 0 },
    rejections: [],
    rejectionsByReason: {},
    phases: [],
  };
  const reject = (file: string, line: number, reason: string) => {
    if (report.rejections.length < KEEP_REJECTIONS) report.rejections.push({ file, line, reason });
    const key = reason.replace(/"[^"]*"/g, '"…"');
    report.rejectionsByReason[key] = (report.rejectionsByReason[key] ?? 0) + 1;
  };
  const batchSize = options.batchSize ?? 5_000;
  const timed = async (name: ImportPhase, phase: () => Promise<void>) => {
    const started = performance.now();
    await phase();
    report.phases.push({ name, ms: performance.now() - started });
  };
  if (options.items) await timed('items', () => importItems(db, options.items!, batchSize, report, reject, options));
  if (options.interactions)
    await importInteractions(db, options.interactions, batchSize, report, reject, options, timed);
  return report;
}

async function importItems(
  db: DataSource,
  file: string,
  batchSize: number,
  report: ImportReport,
  reject: (file: string, line: number, reason: string) => void,
  options: ImportOptions,
): Promise<void> {
  let batch = new Map<string, Numbered<ItemInput>>();
  const refuse = (line: number, reason: string) => {
    report.items.rejected++;
    reject(file, line, reason);
  };
  const flush = async () => {
    if (batch.size === 0) return;
    const rows = [...batch.values()];
    batch = new Map();
    const written = await stopOnFailure(file, rows, () => writeBatch(db, rows, writeItems, refuse));
    for (const { inserted, updated, rows: n } of written) {
      report.items.inserted += inserted.length;
      report.items.updated += updated.length;
      report.items.unchanged += n - inserted.length - updated.length;
    }
  };
  for await (const numbered of validLines(file, parseItem, report.items, reject, options)) {
    // A later line with the same id wins, as a re-run would make it.
    batch.set(numbered.value.id, { line: numbered.line, row: numbered.value });
    if (batch.size >= batchSize) await flush();
  }
  await flush();
  if (report.items.inserted + report.items.updated > 0) await options.onItemsChanged?.();
}

/** One batch (or one row) of items in one statement; how many rows it had, for the "unchanged" count. */
export async function writeItems(
  tx: EntityManager,
  rows: ItemInput[],
): Promise<{ inserted: string[]; updated: string[]; rows: number }> {
  return { ...(await upsertItems(tx, rows)), rows: rows.length };
}

async function importInteractions(
  db: DataSource,
  file: string,
  batchSize: number,
  report: ImportReport,
  reject: (file: string, line: number, reason: string) => void,
  options: ImportOptions,
  timed: (name: ImportPhase, phase: () => Promise<void>) => Promise<void>,
): Promise<void> {
  const touchedUsers = new Set<string>();
  const refuse = (line: number, reason: string) => {
    report.interactions.rejected++;
    reject(file, line, reason);
  };
  const write = async (current: Numbered<NewInteraction>[]) => {
    const itemIds = [...new Set(current.map((b) => b.row.itemId).filter((id): id is string => id !== null))];
    const known = new Set((await findItemsByIds(db, itemIds)).map((i) => i.id));
    const good: Numbered<NewInteraction>[] = [];
    for (const numbered of current) {
      const { itemId } = numbered.row;
      if (itemId !== null && !known.has(itemId)) refuse(numbered.line, `unknown itemId "${itemId}"`);
      else good.push(numbered);
    }
    for (const { inserted, rows } of await writeBatch(db, good, writeInteractions, refuse)) {
      report.interactions.inserted += inserted;
      report.interactions.alreadyPresent += rows - inserted;
    }
    // Users whose lines were already there too: a re-run after an import that stopped part-way
    // must still derive their profiles (rebuilding one that is up to date changes nothing).
    for (const { row } of good) touchedUsers.add(row.userId);
  };
  await timed('interactions', async () => {
    // One batch is written while the next is read and parsed (a third of this phase is parsing);
    // never more than one transaction at a time, so batches commit in file order.
    let writing: Promise<void> = Promise.resolve();
    let batch: Numbered<NewInteraction>[] = [];
    const flush = async () => {
      await writing;
      const current = batch;
      batch = [];
      writing = current.length > 0 ? stopOnFailure(file, current, () => write(current)) : Promise.resolve();
      // Handled at the next await; until then a failure must not count as unhandled.
      writing.catch(() => undefined);
    };
    const clock = options.clock ?? systemClock;
    const parse = (raw: unknown) => parseInteraction(raw, clock.now());
    for await (const { line, value: v } of validLines(file, parse, report.interactions, reject, options)) {
      // Derived from the content, so re-importing the same line finds its key already taken.
      const key = `import:${createHash('sha1')
        .update(JSON.stringify([v.userId, v.itemId, v.kind, v.occurredAt.toISOString(), v.query]))
        .digest('hex')}`;
      batch.push({ line, row: { ...v, idempotencyKey: key, counted: true } });
      if (batch.length >= batchSize) await flush();
    }
    await flush();
    await writing;
  });
  if (touchedUsers.size === 0) return;
  await timed('profiles', async () => {
    const itemTerms = new Map<string, Map<string, number>>();
    const vocabulary = new Set<string>();
    for await (const chunk of streamItemFeatureSources(db)) {
      for (const item of chunk) {
        const terms = itemTermCounts(item);
        itemTerms.set(item.id, terms);
        for (const t of terms.keys()) vocabulary.add(t);
      }
    }
    const rebuild = {
      ...options.profile,
      kindWeights: options.profile.kindWeights ?? DEFAULT_KIND_WEIGHTS,
      terms: {
        itemTerms: (id: string) => itemTerms.get(id),
        queryTerms: (query: string) => queryTerms(query, (t) => vocabulary.has(t)),
      },
    };
    // As many users per transaction as lines per statement: one knob for the size of a write.
    await rebuildProfiles(db, [...touchedUsers], rebuild, batchSize);
    report.interactions.usersRebuilt = touchedUsers.size;
  });
  // Co-occurrence depends on the order of each history, so it is recomputed from the whole log.
  await timed('co-occurrence', async () => {
    report.interactions.coOccurrence = await rebuildCoOccurrence(db, DEFAULT_COLLAB);
  });
}

/** A row to write, with the line of the file it came from (for the reason if it is refused). */
export interface Numbered<T> {
  line: number;
  row: T;
}

/** One batch (or one row) of interactions, with their users created first for the foreign key. */
export async function writeInteractions(
  tx: EntityManager,
  rows: NewInteraction[],
): Promise<{ inserted: number; users: string[]; rows: number }> {
  await ensureUsers(tx, [...new Set(rows.map((r) => r.userId))]);
  return { ...(await insertInteractionsBulk(tx, rows)), rows: rows.length };
}

/**
 * Writes a batch in one transaction: the fast path. Validation screens the lines, but should the
 * database still refuse the batch over the data of some row (SQLSTATE class 22, a data exception,
 * or 23, an integrity violation: a value or constraint validation did not foresee), one bad line must
 * not stop the import: the batch is written again row by row, each row in a savepoint of one
 * transaction, so the good rows are imported and each bad one is refused with the database's
 * message. Any other error (connection, resources, a missing table) would fail every row alike,
 * so it is thrown. Returns what each committed write returned: one result, or one per good row.
 */
export async function writeBatch<T, R>(
  db: DataSource,
  batch: readonly Numbered<T>[],
  write: (tx: EntityManager, rows: T[]) => Promise<R>,
  refuse: (line: number, reason: string) => void,
): Promise<R[]> {
  if (batch.length === 0) return [];
  try {
    return [
      await db.transaction((tx) =>
        write(
          tx,
          batch.map((b) => b.row),
        ),
      ),
    ];
  } catch (err) {
    if (!isAboutTheData(err)) throw err;
  }
  const refused: { line: number; reason: string }[] = [];
  const results = await db.transaction(async (tx) => {
    const written: R[] = [];
    for (const { line, row } of batch) {
      try {
        // Nested, TypeORM makes this a savepoint: a refused row rolls back only itself.
        written.push(await tx.transaction((savepoint) => write(savepoint, [row])));
      } catch (err) {
        if (!isAboutTheData(err)) throw err;
        refused.push({ line, reason: `the database refused it: ${databaseMessage(err)}` });
      }
    }
    return written;
  });
  // Only once the good rows are committed: had the commit failed, nothing would have been refused.
  for (const r of refused) refuse(r.line, r.reason);
  return results;
}

/** The SQLSTATE of a failed statement (TypeORM copies it from the driver's error), if any. */
function sqlState(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/** Whether the database refused the data of a row (class 22, 23 or 54), rather than failed for a reason every row would share. */
function isAboutTheData(err: unknown): boolean {
  const state = sqlState(err);
  // 54: a value over one of Postgres's size limits (a huge jsonb, say) is that row's problem too.
  return state !== undefined && (state.startsWith('22') || state.startsWith('23') || state.startsWith('54'));
}

/** The database's one-line message with its SQLSTATE: a reason a reader can act on, no stack. */
function databaseMessage(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const state = sqlState(err);
  return state ? `${message} (SQLSTATE ${state})` : message;
}

/**
 * Runs the write of one batch; if it fails for a reason that is not one row's data, the import
 * stops with a message that says where: the batches before it are committed, it and later ones not.
 */
async function stopOnFailure<T>(
  file: string,
  batch: readonly Numbered<unknown>[],
  write: () => Promise<T>,
): Promise<T> {
  try {
    return await write();
  } catch (err) {
    // Not Math.min(...lines): a batch can be larger than the arguments a call may take.
    const first = batch.reduce((min, b) => Math.min(min, b.line), Infinity);
    const last = batch.reduce((max, b) => Math.max(max, b.line), -Infinity);
    throw new Error(
      `import stopped: lines ${first}-${last} of ${file} could not be written, and no later ones were: ${databaseMessage(err)}`,
      { cause: err },
    );
  }
}

/** The lines of a file that parse and validate; the others are counted and rejected with their reason. */
async function* validLines<T>(
  file: string,
  parse: (raw: unknown) => Parsed<T>,
  counts: { read: number; rejected: number },
  reject: (file: string, line: number, reason: string) => void,
  options: ImportOptions,
): AsyncGenerator<{ line: number; value: T }> {
  for await (const line of readLines(file, (b) => options.onProgress?.(file, b))) {
    counts.read++;
    const json = parseJson(line);
    const parsed = json.ok ? parse(json.value) : json;
    if (parsed.ok) yield { line: line.number, value: parsed.value };
    else {
      counts.rejected++;
      reject(file, line.number, parsed.reason);
    }
  }
}

function parseJson(line: Line): { ok: true; value: unknown } | { ok: false; reason: string } {
  try {
    return { ok: true, value: JSON.parse(line.text) };
  } catch {
    return { ok: false, reason: 'not valid JSON' };
  }
}
