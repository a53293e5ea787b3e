/**
 * The catalogue as this process sees it: the recommendation engine built from Postgres at
 * start, and kept fresh by following changes other processes make (LISTEN/NOTIFY for speed,
 * polling by updated_at as the safety net that also covers a dropped listener connection).
 */
import { Client } from 'pg';
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
  /** Postgres connection string for the listener (same database as `db`). */
  url: string;
  /** Channel to LISTEN on; differs per schema so test schemas never hear each other. */
  channel: string;
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
  private listener: Client | undefined;
  private refreshing: Promise<number> | undefined;
  private stopped = false;

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

  /** Starts following changes made by any process. */
  async follow(): Promise<void> {
    this.timer = setInterval(() => void this.refresh().catch((err) => this.options.logger.warn({ err }, 'catalogue refresh failed')), this.options.refreshMs);
    this.timer.unref();
    await this.listen();
  }

  /** Reads items changed since the last look and folds them into the index; returns how many. */
  refresh(): Promise<number> {
    // One refresh at a time: a notification during a poll waits for it rather than racing it.
    this.refreshing ??= this.doRefresh().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  /** Tells every process (this one included) that items changed. */
  static async announceChange(db: DataSource, channel: string): Promise<void> {
    await db.query(`SELECT pg_notify($1, '')`, [channel]);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    const listener = this.listener;
    this.listener = undefined;
    await listener?.end().catch(() => undefined);
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

  private async listen(): Promise<void> {
    if (this.stopped) return;
    const client = new Client({ connectionString: this.options.url });
    client.on('error', (err) => {
      this.options.logger.warn({ err }, 'catalogue listener lost its connection; polling until it is back');
      if (this.listener === client) this.listener = undefined;
      setTimeout(() => void this.listen().catch(() => undefined), this.options.refreshMs).unref();
    });
    client.on('notification', () => void this.refresh().catch((err) => this.options.logger.warn({ err }, 'catalogue refresh failed')));
    try {
      await client.connect();
      await client.query(`LISTEN "${this.options.channel.replace(/"/g, '')}"`);
      this.listener = client;
    } catch (err) {
      this.options.logger.warn({ err }, 'catalogue listener could not connect; polling only');
      await client.end().catch(() => undefined);
      setTimeout(() => void this.listen().catch(() => undefined), this.options.refreshMs).unref();
    }
  }
}

function toCatalogueItem(row: FeatureRow): CatalogueItem {
  return { id: row.id, tags: row.tags, categories: row.categories, brand: row.brand };
}
