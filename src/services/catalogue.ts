/**
 * The catalogue as this process sees it: the recommendation engine built from Postgres at
 * start, and kept fresh by following changes other processes make (the change feed for speed,
 * polling by updated_at as the safety net that also covers a dropped listener connection).
 */
import type { DataSource } from 'typeorm';
import type { ItemEntity } from '../db/entities';
import { findItemsChangedSince, findItemsPage, streamItemFeatureSources } from '../db/repositories/items';
import type { Logger } from '../logger';
import { CatalogueItem, RecommendationEngine } from '../personalisation/engine';

/** A transaction that started before our last poll may commit after it: look back this far. */
const COMMIT_LAG_MS = 60_000;

export interface CatalogueOptions {
  db: DataSource;
  logger: Logger;
  refreshMs: number;
  jaccardTopN: number;
}

type FeatureRow = Pick<ItemEntity, 'id' | 'tags' | 'categories' | 'brand' | 'updatedAt'>;

export class Catalogue {
  private engineRef: RecommendationEngine;
  /** updated_at of each item as last indexed, to skip rows a look-back re-reads. */
  private readonly indexedAt = new Map<string, number>();
  private newestSeen = 0;
  private timer: NodeJS.Timeout | undefined;
  private refreshing: Promise<number> | undefined;
  private again = false;

  private constructor(private readonly options: CatalogueOptions, engine: RecommendationEngine) {
    this.engineRef = engine;
  }

  /** Builds the index from every item in the database. */
  static async load(options: CatalogueOptions): Promise<Catalogue> {
    const started = Date.now();
    const rows: FeatureRow[] = [];
    for await (const chunk of streamItemFeatureSources(options.db)) rows.push(...chunk);
    const engine = RecommendationEngine.build(rows.map(toCatalogueItem), { jaccardTopN: options.jaccardTopN });
    const catalogue = new Catalogue(options, engine);
    catalogue.remember(rows);
    options.logger.info({ items: engine.size, ms: Date.now() - started }, 'recommendation index built');
    return catalogue;
  }

  get engine(): RecommendationEngine {
    return this.engineRef;
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
    const since = new Date(Math.max(0, this.newestSeen - COMMIT_LAG_MS));
    const rows = await findItemsChangedSince(this.options.db, since);
    const changed = rows.filter((r) => this.indexedAt.get(r.id) !== r.updatedAt.getTime());
    if (changed.length > 0) {
      this.engineRef.upsert(changed.map(toCatalogueItem));
      this.options.logger.info({ items: changed.length }, 'recommendation index updated');
    }
    this.remember(rows);
    return changed.length;
  }

  private remember(rows: FeatureRow[]): void {
    for (const r of rows) {
      const t = r.updatedAt.getTime();
      this.indexedAt.set(r.id, t);
      if (t > this.newestSeen) this.newestSeen = t;
    }
  }
}

function toCatalogueItem(row: FeatureRow): CatalogueItem {
  return { id: row.id, tags: row.tags, categories: row.categories, brand: row.brand };
}
