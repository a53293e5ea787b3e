/**
 * The description service: one per process, shared by all requests. Holds the newest model
 * version (polling Postgres for a newer one), writes every description a request asks for in one
 * batched model call, and caches texts in Postgres by (item, focus terms, model version).
 */
import { createHash } from 'node:crypto';
import DataLoader from 'dataloader';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { tensorflow } from './backend';
import { DEFAULT_DECODE, generate, prepare } from './decode';
import { asBundle, disposeVersion, installBundledModel, loadVersion, newestVersion, StoredVersion } from './store';
import { genericDescription } from './template';
import { decodingExample } from './vocabulary';
import { perTurnLoader } from '../util/per-turn-loader';
import type { ItemInput } from '../db/repositories/items';

/** The catalogue row the service writes for (its content hash keys the cache). */
export type ItemData = Omit<ItemInput, 'attributes'> & { updatedAt: Date };

export interface DescriptionRequest {
  item: ItemData;
  /** Normalised terms the user cares about that the item has, strongest first; [] => generic. */
  focus: string[];
}

export interface DescriptionResult {
  text: string;
  highlights: string[];
  personalised: boolean;
  modelVersion: string | null;
}

interface Loaded {
  version: StoredVersion;
  /** Requests using it right now: it is disposed only when replaced and idle. */
  inUse: number;
  retired: boolean;
}

/** How a request is cached: the item and its focus terms, in order (order is strength). */
export function focusKey(focus: string[]): string {
  return focus.join('|');
}

/** One description request: the item and its focus terms (duplicates in a batch are written once). */
function requestKey(r: DescriptionRequest): string {
  return `${r.item.id}\u0000${focusKey(r.focus)}`;
}

/** Changes whenever anything the text is written from changes. */
export function itemHash(item: ItemData): string {
  return createHash('sha256')
    .update(JSON.stringify([item.title, item.description, item.brand, item.categories, item.tags, item.price]))
    .digest('hex')
    .slice(0, 32);
}

export class DescriptionService {
  private current: Loaded | null = null;
  private timer: NodeJS.Timeout | null = null;
  private reloading: Promise<boolean> | null = null;
  private reloadAgain: Promise<boolean> | null = null;
  private calls = 0;
  private closed = false;

  private constructor(
    private readonly db: DataSource,
    private readonly logger: Logger,
  ) {}

  /**
   * Loads the newest version (none is fine: texts are then the generic ones) and polls for newer
   * versions every `pollIntervalMs` (default 5 s; 0 turns polling off). With `installBundled`,
   * an empty database first gets the committed sample model.
   */
  static async create(deps: { dataSource: DataSource; logger: Logger; pollIntervalMs?: number; installBundled?: boolean }): Promise<DescriptionService> {
    const service = new DescriptionService(deps.dataSource, deps.logger);
    deps.logger.info({ backend: tensorflow().backend }, 'tensorflow backend');
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
    return this.current?.version.version ?? null;
  }

  /** How many batched model calls were made (tests assert one per request). */
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
    const version = await loadVersion(this.db, newest);
    prepare(asBundle(version));
    const previous = this.current;
    this.current = { version, inUse: 0, retired: false };
    if (previous) this.retire(previous);
    this.logger.info({ modelVersion: newest, previous: previous?.version.version ?? null, ms: Date.now() - started }, 'description model loaded');
    return true;
  }

  private retire(loaded: Loaded): void {
    loaded.retired = true;
    if (loaded.inUse === 0) disposeVersion(loaded.version);
  }

  /**
   * Descriptions for a batch of requests: generic ones need no model; the rest take ONE cache
   * lookup, ONE batched model call for the misses and one insert.
   */
  async describe(requests: DescriptionRequest[]): Promise<DescriptionResult[]> {
    const results: (DescriptionResult | undefined)[] = new Array(requests.length);
    const loaded = this.current;
    const personal: number[] = [];
    requests.forEach((r, i) => {
      if (r.focus.length === 0 || !loaded) results[i] = { text: genericDescription(r.item), highlights: [], personalised: false, modelVersion: null };
      else personal.push(i);
    });
    if (personal.length === 0 || !loaded) return results as DescriptionResult[];
    loaded.inUse++;
    try {
      const version = loaded.version.version;
      const unique = new Map<string, DescriptionRequest>();
      for (const i of personal) unique.set(requestKey(requests[i]), requests[i]);
      const wanted = [...unique.values()];
      const rows: { item_id: string; focus_key: string; item_hash: string; text: string; highlights: string[] }[] = await this.db.query(
        `SELECT d.item_id, d.focus_key, d.item_hash, d.text, d.highlights
           FROM generated_descriptions d
           JOIN unnest($2::text[], $3::text[]) AS w(item_id, focus_key) ON w.item_id = d.item_id AND w.focus_key = d.focus_key
          WHERE d.model_version = $1`,
        [version, wanted.map((r) => r.item.id), wanted.map((r) => focusKey(r.focus))],
      );
      const done = new Map<string, DescriptionResult>();
      const cached = new Map(rows.map((row) => [`${row.item_id}\u0000${row.focus_key}`, row]));
      const misses: DescriptionRequest[] = [];
      for (const r of wanted) {
        const row = cached.get(requestKey(r));
        if (row && row.item_hash === itemHash(r.item)) done.set(requestKey(r), { text: row.text, highlights: row.highlights, personalised: true, modelVersion: version });
        else misses.push(r);
      }
      if (misses.length > 0) {
        this.calls++;
        const generated = await generate(asBundle(loaded.version), misses.map((r) => decodingExample(r.item, r.focus)), DEFAULT_DECODE);
        misses.forEach((r, i) => done.set(requestKey(r), { text: generated[i].text, highlights: generated[i].highlights, personalised: true, modelVersion: version }));
        // Items not in the catalogue table (FK) are written but not cached.
        await this.db.query(
          `INSERT INTO generated_descriptions (item_id, focus_key, model_version, item_hash, text, highlights)
           SELECT u.item_id, u.focus_key, $1, u.item_hash, u.text, string_to_array(u.highlights, E'\\x1f')
             FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[]) AS u(item_id, focus_key, item_hash, text, highlights)
             JOIN items i ON i.id = u.item_id
           ON CONFLICT (item_id, focus_key, model_version)
           DO UPDATE SET item_hash = EXCLUDED.item_hash, text = EXCLUDED.text, highlights = EXCLUDED.highlights, created_at = now()`,
          [
            version,
            misses.map((r) => r.item.id),
            misses.map((r) => focusKey(r.focus)),
            misses.map((r) => itemHash(r.item)),
            misses.map((r) => done.get(requestKey(r))!.text),
            misses.map((r) => done.get(requestKey(r))!.highlights.join('\u001f')),
          ],
        );
      }
      for (const i of personal) results[i] = done.get(requestKey(requests[i]));
      return results as DescriptionResult[];
    } finally {
      loaded.inUse--;
      if (loaded.retired && loaded.inUse === 0) disposeVersion(loaded.version);
    }
  }

  /**
   * The descriptions of every request read off the sockets in one turn of the event loop, as one
   * `describe` call: one cache lookup and at most one model call for all of them. No cache of
   * its own (results live in Postgres, checked against the item's current content).
   */
  private readonly acrossRequests = perTurnLoader<DescriptionRequest, DescriptionResult>((requests) => this.describe([...requests]));

  /**
   * A per-request loader: every description asked for in one GraphQL request becomes part of
   * one `describe` call, shared with the other requests of the same turn.
   */
  createLoader(): DataLoader<DescriptionRequest, DescriptionResult, string> {
    return new DataLoader<DescriptionRequest, DescriptionResult, string>(
      // An Error in the answer fails only that description's load.
      (requests) => this.acrossRequests.loadMany(requests),
      { cacheKeyFn: requestKey },
    );
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (this.reloading) await this.reloading.catch(() => undefined);
    if (this.current) this.retire(this.current);
    this.current = null;
  }
}
