/**
 * The catalogue as this process sees it: the recommendation engine built from Postgres at
 * start, and kept fresh by following changes other processes make (the change feed for speed,
 * polling by updated_at as the safety net that also covers a dropped listener connection, and
 * the item_deletions tombstones for items deleted).
 * Beside the index it keeps the most recently shown item rows, so a page of recommendations
 * costs no item query; the same refresh that re-indexes a changed item drops its row.
 */
import { LRUCache } from 'lru-cache';
import type { DataSource } from 'typeorm';
import type { ItemEntity } from '../db/entities';
import {
  findItemsByIds,
  findItemsChangedSince,
  findItemsPage,
  streamItemFeatureSources,
} from '../db/repositories/items';
import type { Logger } from '../logger';
import { CatalogueItem, RecommendationEngine } from '../personalisation/engine';

/** A transaction that started before our last poll may commit after it: look back this far. */
const COMMIT_LAG_MS = 60_000;

export interface CatalogueOptions {
  db: DataSource;
  logger: Logger;
  refreshMs: number;
  jaccardTopN: number;
  /** Item rows kept in memory, least recently used dropped first; 0 keeps none. */
  itemCacheSize?: number;
}

type FeatureRow = Pick<ItemEntity, 'id' | 'tags' | 'categories' | 'brand' | 'price' | 'updatedAt'>;

export class Catalogue {
  private engineRef: RecommendationEngine;
  /** updated_at of each item as last indexed, to skip rows a look-back re-reads. */
  private readonly indexedAt = new Map<string, number>();
  /** Rows as shown to clients; never older than the version the index holds. */
  private readonly rows: LRUCache<string, ItemEntity> | undefined;
  /** Database time of the previous poll: the next one looks back from there. */
  private lastPolled: Date | undefined;
  private timer: NodeJS.Timeout | undefined;
  private refreshing: Promise<number> | undefined;
  private again = false;
  /** How long the index took to build at start. */
  buildMs = 0;

  private constructor(
    private readonly options: CatalogueOptions,
    engine: RecommendationEngine,
  ) {
    this.engineRef = engine;
    const max = options.itemCacheSize ?? 0;
    this.rows = max > 0 ? new LRUCache({ max }) : undefined;
  }

  /** Builds the index from every item in the database. */
  static async load(options: CatalogueOptions): Promise<Catalogue> {
    const started = Date.now();
    const rows: FeatureRow[] = [];
    for await (const chunk of streamItemFeatureSources(options.db)) rows.push(...chunk);
    const engine = RecommendationEngine.build(rows.map(toCatalogueItem), { jaccardTopN: options.jaccardTopN });
    const catalogue = new Catalogue(options, engine);
    catalogue.remember(rows);
    catalogue.buildMs = Date.now() - started;
    options.logger.info({ items: engine.size, ms: catalogue.buildMs }, 'recommendation index built');
    return catalogue;
  }

  get engine(): RecommendationEngine {
    return this.engineRef;
  }

  /**
   * Item rows by id: from memory where this process holds a current copy, the rest in one
   * SQL statement. Unknown ids are absent from the result.
   */
  async itemsByIds(ids: readonly string[]): Promise<Map<string, ItemEntity>> {
    const found = new Map<string, ItemEntity>();
    const missing: string[] = [];
    for (const id of ids) {
      const row = this.rows?.get(id);
      if (row) found.set(id, row);
      else missing.push(id);
    }
    if (missing.length === 0) return found;
    for (const row of await findItemsByIds(this.options.db, missing)) {
      found.set(row.id, row);
      this.keepRow(row);
    }
    return found;
  }

  /** Offers a row read elsewhere (inside a transaction) to the in-memory copies, on the same terms as itemsByIds. */
  offerItem(row: ItemEntity): void {
    this.keepRow(row);
  }

  /** The item's row if this process holds a current copy in memory (no query either way). */
  rememberedItem(id: string): ItemEntity | undefined {
    return this.rows?.get(id);
  }

  page(first: number, afterId: string | null) {
    return findItemsPage(this.options.db, first, afterId);
  }

  /** Starts polling for changes made by any process (the change feed triggers refresh() sooner). */
  follow(): void {
    this.timer = setInterval(() => this.refreshInBackground(), this.options.refreshMs);
    this.timer.unref();
  }

  refreshInBackground(): void {
    this.refresh().catch((err) => this.options.logger.warn({ err }, 'catalogue refresh failed'));
  }

  /** Reads items changed since the last look and folds them into the index; returns how many. */
  refresh(): Promise<number> {
    // One refresh at a time; a change announced while one runs may have committed after its
    // read, so it makes the running refresh go round once more.
    if (this.refreshing) {
      this.again = true;
      return this.refreshing;
    }
    this.refreshing = (async () => {
      let changed = 0;
      do {
        this.again = false;
        changed += await this.doRefresh();
      } while (this.again);
      return changed;
    })().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  private async doRefresh(): Promise<number> {
    // The first poll looks back from the newest row the build read; later ones from the
    // previous poll, so rows already seen stop being re-read once COMMIT_LAG_MS has passed.
    const from = this.lastPolled?.getTime() ?? this.newestIndexed();
    const { polledAt, rows, deleted } = await findItemsChangedSince(
      this.options.db,
      new Date(Math.max(0, from - COMMIT_LAG_MS)),
    );
    const gone = deleted.filter((id) => this.engineRef.has(id));
    if (gone.length > 0) {
      this.engineRef.remove(gone);
      for (const id of gone) {
        this.indexedAt.delete(id);
        this.rows?.delete(id);
      }
      this.options.logger.info({ items: gone.length }, 'recommendation index: items deleted');
    }
    const changed = rows.filter((r) => this.indexedAt.get(r.id) !== r.updatedAt.getTime());
    if (changed.length > 0) {
      this.engineRef.upsert(changed.map(toCatalogueItem));
      this.options.logger.info({ items: changed.length }, 'recommendation index updated');
    }
    this.remember(changed);
    for (const r of changed) this.rows?.delete(r.id);
    this.lastPolled = polledAt;
    return changed.length + gone.length;
  }

  private newestIndexed(): number {
    let newest = 0;
    for (const t of this.indexedAt.values()) if (t > newest) newest = t;
    return newest;
  }

  private remember(rows: FeatureRow[]): void {
    for (const r of rows) this.indexedAt.set(r.id, r.updatedAt.getTime());
  }

  /**
   * Keeps a row read from Postgres unless a refresh has already indexed a newer version of it
   * (the read started before that change committed): a stale row must not outlive the change.
   */
  private keepRow(row: ItemEntity): void {
    if (!this.rows) return;
    const indexed = this.indexedAt.get(row.id);
    if (indexed !== undefined && row.updatedAt.getTime() < indexed) return;
    this.rows.set(row.id, row);
  }
}

function toCatalogueItem(row: FeatureRow): CatalogueItem {
  return { id: row.id, tags: row.tags, categories: row.categories, brand: row.brand, price: row.price };
}
