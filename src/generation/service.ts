/**
 * The description service: one per process, shared by all requests. Holds the newest model
 * version (the built-in untrained policy until one is stored; polling and NOTIFY switch it),
 * keeps each item's segmentation in memory by content hash, writes every description a turn of
 * the event loop asks for in one pass that yields between items, and caches a trained version's
 * personalised texts in Postgres by (item, focus terms, model version, word budget).
 */
import DataLoader from 'dataloader';
import { LRUCache } from 'lru-cache';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { findCachedCopy, saveCachedCopy } from '../db/repositories/descriptions';
import { perTurnLoader } from '../util/per-turn-loader';
import { prepare, Prepared } from './prepare';
import { Claim, contentHash, ItemFacts } from './facts';
import { loadLexicon } from './lexicon';
import { installBundledModel, loadVersion, newestVersion, toCopyModel } from './versions';
import { CopyModel, UNTRAINED, write } from './writer';

export interface DescriptionRequest {
  item: ItemFacts;
  /** Normalised terms the reader shares with the item, strongest first; [] for generic copy. */
  focus: string[];
  maxWords: number;
}

export interface DescriptionResult {
  text: string;
  claims: Claim[];
  highlights: string[];
  personalised: boolean;
  modelVersion: string | null;
}

/** How a request is cached: the focus terms in order (order is strength). */
export function focusKey(focus: readonly string[]): string {
  return focus.join('|');
}

function requestKey(r: DescriptionRequest): string {
  return `${r.item.id}\u0000${focusKey(r.focus)}\u0000${r.maxWords}`;
}

/** Synchronous work between two turns of the event loop, at most. */
const SLICE_MS = 2;
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

export class DescriptionService {
  private model: CopyModel = UNTRAINED;
  private timer: NodeJS.Timeout | null = null;
  private reloading: Promise<boolean> | null = null;
  private reloadAgain: Promise<boolean> | null = null;
  private calls = 0;
  /** Lookups of personalised texts in the cache since start, found and not found (for /metrics). */
  readonly cacheLookups = { hits: 0, misses: 0 };
  private closed = false;
  /** Segmentation and sentence forms per item content: the user-independent half of the work. */
  private readonly prepared = new LRUCache<string, Prepared>({ max: 20_000 });

  private constructor(
    private readonly db: DataSource,
    private readonly logger: Logger,
  ) {}

  /**
   * Loads the newest version (none is fine: the untrained policy writes) and polls for newer
   * ones every `pollIntervalMs` (default 5 s; 0 turns polling off). With `installBundled`, an
   * empty database first gets the committed sample model.
   */
  static async create(deps: {
    dataSource: DataSource;
    logger: Logger;
    pollIntervalMs?: number;
    installBundled?: boolean;
  }): Promise<DescriptionService> {
    const service = new DescriptionService(deps.dataSource, deps.logger);
    // The dictionary the lead's labels are checked against: read now, so no request waits for it.
    loadLexicon();
    if (deps.installBundled) {
      const installed = await installBundledModel(deps.dataSource);
      if (installed) deps.logger.info({ modelVersion: installed }, 'installed the bundled sample model');
    }
    await service.reload();
    const every = deps.pollIntervalMs ?? 5_000;
    if (every > 0) {
      service.timer = setInterval(() => {
        service.reload().catch((e: unknown) => deps.logger.warn({ err: e }, 'model reload failed'));
      }, every);
      service.timer.unref();
    }
    return service;
  }

  get modelVersion(): string | null {
    return this.model.version;
  }

  /** How many batches wrote at least one text (tests assert one per turn of requests). */
  get modelCalls(): number {
    return this.calls;
  }

  /**
   * Switches to the newest version now if it changed; true when it switched. A reload already
   * running (a poll, say) may have looked before the caller's change committed, so the caller
   * then waits for one more that starts after it: a version saved before reload() is always seen.
   */
  reload(): Promise<boolean> {
    if (!this.reloading) {
      this.reloading = this.doReload().finally(() => {
        this.reloading = null;
      });
      return this.reloading;
    }
    if (!this.reloadAgain) {
      this.reloadAgain = this.reloading
        .catch(() => false)
        .then(() => {
          this.reloadAgain = null;
          return this.reload();
        });
    }
    return this.reloadAgain;
  }

  private async doReload(): Promise<boolean> {
    if (this.closed) return false;
    const newest = await newestVersion(this.db);
    if (newest === null || newest === this.modelVersion) return false;
    const started = Date.now();
    const previous = this.model.version;
    this.model = toCopyModel(await loadVersion(this.db, newest));
    this.logger.info({ modelVersion: newest, previous, ms: Date.now() - started }, 'description model loaded');
    return true;
  }

  private preparedOf(item: ItemFacts): Prepared {
    const hash = contentHash(item);
    let p = this.prepared.get(hash);
    if (!p || p.item.id !== item.id) {
      p = prepare(item);
      this.prepared.set(hash, p);
    }
    return p;
  }

  /** Writes the texts, letting the event loop run whenever SLICE_MS of work have passed. */
  private async writeAll(requests: DescriptionRequest[], model: CopyModel): Promise<DescriptionResult[]> {
    const out: DescriptionResult[] = [];
    let since = performance.now();
    const pause = async () => {
      if (performance.now() - since >= SLICE_MS) {
        await nextTurn();
        since = performance.now();
      }
    };
    for (const r of requests) {
      await pause();
      // Segmenting an item the process has not seen is the larger half: a turn may end between the two.
      const p = this.preparedOf(r.item);
      await pause();
      const w = write(p, { focus: r.focus, maxWords: r.maxWords }, model);
      const personalised = r.focus.length > 0;
      out.push({
        text: w.text,
        claims: w.claims,
        highlights: w.highlights,
        personalised,
        modelVersion: personalised ? model.version : null,
      });
    }
    return out;
  }

  /**
   * Descriptions for a batch of requests. Generic ones and the untrained policy's are written at
   * once (they cost less than a round trip); a trained version's personalised ones take ONE
   * cache lookup, one pass over the misses and ONE insert.
   */
  async describe(requests: DescriptionRequest[]): Promise<DescriptionResult[]> {
    const model = this.model;
    const unique = new Map<string, DescriptionRequest>();
    for (const r of requests) unique.set(requestKey(r), r);
    const wanted = [...unique.values()];
    const done = new Map<string, DescriptionResult>();
    const cacheable = model.version === null ? [] : wanted.filter((r) => r.focus.length > 0);
    const cachedKeys = new Set(cacheable.map(requestKey));
    if (cacheable.length > 0) {
      const keys = cacheable.map((r) => ({ itemId: r.item.id, focusKey: focusKey(r.focus), maxWords: r.maxWords }));
      const rows = await findCachedCopy(this.db, model.version!, keys);
      const byKey = new Map(rows.map((row) => [`${row.itemId}\u0000${row.focusKey}\u0000${row.maxWords}`, row]));
      for (const r of cacheable) {
        const row = byKey.get(requestKey(r));
        if (!row || row.itemHash !== contentHash(r.item)) continue;
        const claims = row.claims as Claim[];
        done.set(requestKey(r), {
          text: row.text,
          claims,
          highlights: row.highlights,
          personalised: true,
          modelVersion: model.version,
        });
      }
    }
    this.cacheLookups.hits += done.size;
    this.cacheLookups.misses += cacheable.length - done.size;
    const misses = wanted.filter((r) => !done.has(requestKey(r)));
    if (misses.length > 0) {
      this.calls++;
      const written = await this.writeAll(misses, model);
      misses.forEach((r, i) => done.set(requestKey(r), written[i]));
      const toCache = misses.filter((r) => cachedKeys.has(requestKey(r)));
      await saveCachedCopy(
        this.db,
        model.version ?? '',
        toCache.map((r) => {
          const w = done.get(requestKey(r))!;
          const key = { itemId: r.item.id, focusKey: focusKey(r.focus), maxWords: r.maxWords };
          return { ...key, itemHash: contentHash(r.item), text: w.text, highlights: w.highlights, claims: w.claims };
        }),
      );
    }
    return requests.map((r) => done.get(requestKey(r))!);
  }

  /**
   * The descriptions of every request read off the sockets in one turn of the event loop, as one
   * `describe` call: one cache lookup and at most one pass of writing for all of them.
   */
  private readonly acrossRequests = perTurnLoader<DescriptionRequest, DescriptionResult>((requests) =>
    this.describe([...requests]),
  );

  /** A per-request loader: every description one GraphQL request asks for joins one `describe` call. */
  createLoader(): DataLoader<DescriptionRequest, DescriptionResult, string> {
    return new DataLoader<DescriptionRequest, DescriptionResult, string>(
      (requests) => this.acrossRequests.loadMany(requests),
      {
        cacheKeyFn: requestKey,
      },
    );
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (this.reloading) await this.reloading.catch(() => undefined);
  }
}
