/**
 * Trending: the items rising now (issue 16). The score (recent + s) / (previous + s) - 1 is a
 * ratio of counts with s added to both, so an item going from 0 to 2 events (score 2/s) does not
 * beat one going from 20 to 60 ((60 + s) / (20 + s) - 1); s = TRENDING_SMOOTHING, default 5.
 */
import type { DataSource } from 'typeorm';
import { findTrending } from '../db/repositories/trending';
import type { ItemFilter } from '../domain/filter';
import type { Clock } from '../util/clock';
import type { Catalogue } from './catalogue';

export type TrendingWindow = 'HOUR' | 'DAY' | 'WEEK';

const WINDOW_MS: Record<TrendingWindow, number> = { HOUR: 3_600_000, DAY: 86_400_000, WEEK: 7 * 86_400_000 };

/** Rows read when a filter may drop some: enough for a page of 100 under a filter 1 in 50 items pass. */
const FILTERED_POOL = 5000;

export interface Trending {
  itemId: string;
  score: number;
  recentCount: number;
  previousCount: number;
}

export class TrendingService {
  constructor(
    private readonly db: DataSource,
    private readonly catalogue: Catalogue,
    private readonly options: { smoothing: number; clock: Clock },
  ) {}

  async top(
    first: number,
    window: TrendingWindow,
    filter: ItemFilter | null,
    exclude: ReadonlySet<string>,
  ): Promise<Trending[]> {
    const restricted = filter !== null || exclude.size > 0;
    const rows = await findTrending(
      this.db,
      this.options.clock.now(),
      WINDOW_MS[window],
      this.options.smoothing,
      restricted ? FILTERED_POOL : first,
    );
    const engine = this.catalogue.engine;
    return rows
      .filter((r) => !exclude.has(r.itemId) && (filter === null || engine.passes(r.itemId, { filter })))
      .slice(0, first)
      .map((r) => ({ itemId: r.itemId, score: r.score, recentCount: r.recent, previousCount: r.previous }));
  }
}
