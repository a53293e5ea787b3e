/**
 * Bulk import of items and interactions from JSON Lines: streamed (files larger than memory
 * work), in batches of one statement each, idempotent on re-run, with every rejected line
 * counted and explained. Interactions go to the log first; the affected users' profiles are
 * then rebuilt from the log with the live path's arithmetic, and the item co-occurrence that
 * HYBRID ranks with is recomputed from the whole log.
 */
import { createHash } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { findItemsByIds, streamItemFeatureSources, upsertItems, ItemInput } from '../db/repositories/items';
import { insertInteractionsBulk, NewInteraction } from '../db/repositories/interactions';
import { rebuildCoOccurrence } from '../db/repositories/pairs';
import { ensureUsers } from '../db/repositories/users';
import { DEFAULT_COLLAB } from '../personalisation/collab';
import { DEFAULT_KIND_WEIGHTS, ProfileOptions } from '../personalisation/interests';
import { itemTermCounts } from '../personalisation/tokenise';
import { rebuildProfiles } from '../services/profiles';
import { Line, readLines } from './lines';
import { Parsed, parseInteraction, parseItem } from './validate';

export interface Rejection {
  file: string;
  line: number;
  reason: string;
}

export interface ImportReport {
  items: { read: number; inserted: number; updated: number; unchanged: number; rejected: number };
  interactions: { read: number; inserted: number; alreadyPresent: number; rejected: number; usersRebuilt: number; coOccurrence?: { pairs: number; items: number } };
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
  if (options.interactions) await importInteractions(db, options.interactions, batchSize, report, reject, options, timed);
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
  let batch = new Map<string, ItemInput>();
  const flush = async () => {
    if (batch.size === 0) return;
    const rows = [...batch.values()];
    batch = new Map();
    const { inserted, updated } = await upsertItems(db, rows);
    report.items.inserted += inserted.length;
    report.items.updated += updated.length;
    report.items.unchanged += rows.length - inserted.length - updated.length;
  };
  for await (const { value: item } of validLines(file, parseItem, report.items, reject, options)) {
    // A later line with the same id wins, as a re-run would make it.
    batch.set(item.id, item);
    if (batch.size >= batchSize) await flush();
  }
  await flush();
  if (report.items.inserted + report.items.updated > 0) await options.onItemsChanged?.();
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
  const write = async (current: { line: number; row: NewInteraction }[]) => {
    const itemIds = [...new Set(current.map((b) => b.row.itemId).filter((id): id is string => id !== null))];
    const known = new Set((await findItemsByIds(db, itemIds)).map((i) => i.id));
    const good: NewInteraction[] = [];
    for (const { line, row } of current) {
      if (row.itemId !== null && !known.has(row.itemId)) {
        report.interactions.rejected++;
        reject(file, line, `unknown itemId "${row.itemId}"`);
      } else good.push(row);
    }
    await db.transaction(async (tx) => {
      await ensureUsers(tx, [...new Set(good.map((r) => r.userId))]);
      const { inserted, users } = await insertInteractionsBulk(tx, good);
      report.interactions.inserted += inserted;
      report.interactions.alreadyPresent += good.length - inserted;
      for (const u of users) touchedUsers.add(u);
    });
  };
  await timed('interactions', async () => {
    // One batch is written while the next is read and parsed (a third of this phase is parsing);
    // never more than one transaction at a time, so batches commit in file order.
    let writing: Promise<void> = Promise.resolve();
    let batch: { line: number; row: NewInteraction }[] = [];
    const flush = async () => {
      await writing;
      const current = batch;
      batch = [];
      writing = current.length > 0 ? write(current) : Promise.resolve();
      // Handled at the next await; until then a failure must not count as unhandled.
      writing.catch(() => undefined);
    };
    for await (const { line, value: v } of validLines(file, parseInteraction, report.interactions, reject, options)) {
      // Derived from the content, so re-importing the same line finds its key already taken.
      const key = `import:${createHash('sha1').update(JSON.stringify([v.userId, v.itemId, v.kind, v.occurredAt.toISOString(), v.query])).digest('hex')}`;
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
      itemTerms: (id: string) => itemTerms.get(id),
      isKnownTerm: (t: string) => vocabulary.has(t),
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
