/**
 * HYBRID's co-occurrence as this process sees it: every item's strongest pairs in memory
 * (personalisation/neighbour-table.ts), read whole at start and then kept exact by following
 * the pair change feed (migration PairFeed). A request never reads pairs; it reads, in the
 * statement it already makes, how many feed rows lie above this process's watermark (`FeedState`),
 * and `ensure` catches up before the answer when Postgres holds rows this process has not
 * applied. So an event acknowledged by any process counts here at the next request, as when
 * every request read the pairs itself.
 *
 * The feed's numbers come from a sequence, taken when a transaction writes and visible when it
 * commits, so a row can appear below one already seen. The watermark is therefore the highest
 * number below which every row has been seen or given up on: a number skipped over (a gap) is
 * watched until it appears or GAP_PATIENCE_MS passes (a transaction that rolled back never fills
 * its number; recordInteraction's transactions last milliseconds).
 */
import type { DataSource } from 'typeorm';
import { loadAllNeighbourLists, prunePairChanges, readPairChanges } from '../db/repositories/pair-feed';
import type { Logger } from '../logger';
import type { Neighbour } from '../personalisation/collab';
import { NeighbourTable } from '../personalisation/neighbour-table';

const GAP_PATIENCE_MS = 60_000;
/** How far below the head a start looks for numbers not yet committed; and the most gaps one catch-up watches. */
const LOOKBACK = 1_000;

/** What a request read of the feed: how many rows lay above `low` when its statement ran. */
export interface FeedState {
  low: number;
  count: number;
}

export class CoOccurrenceFollower {
  private readonly table = new NeighbourTable();
  private maxSeen = 0;
  /** Numbers below maxSeen not seen yet, with when they were first missed. */
  private readonly gaps = new Map<number, number>();
  /** Numbers seen above the watermark (only while there are gaps). */
  private readonly seen = new Set<number>();
  private running: Promise<void> | undefined;
  private pruner: NodeJS.Timeout | undefined;
  private again = false;
  private loadMs = 0;

  private constructor(
    private readonly db: DataSource,
    private readonly neighbours: number,
    private readonly logger: Logger,
  ) {}

  static async load(db: DataSource, neighbours: number, logger: Logger): Promise<CoOccurrenceFollower> {
    const follower = new CoOccurrenceFollower(db, neighbours, logger);
    await follower.reloadAll();
    return follower;
  }

  /** The item's strongest pairs, normalised, as of the last catch-up. */
  neighboursOf(itemId: string): Neighbour[] {
    return this.table.neighbours(itemId, this.neighbours);
  }

  /** Size of the in-memory table, and how long its last full read took. */
  stats(): { pairs: number; bytes: number; loadMs: number } {
    return { pairs: this.table.pairs, bytes: this.table.bytes, loadMs: this.loadMs };
  }

  /** The number above which a request counts feed rows. */
  low(): number {
    const now = Date.now();
    let low = this.maxSeen;
    for (const [seq, since] of this.gaps) {
      if (now - since > GAP_PATIENCE_MS) this.gaps.delete(seq);
      else if (seq - 1 < low) low = seq - 1;
    }
    for (const seq of this.seen) if (seq <= low) this.seen.delete(seq);
    return low;
  }

  /** Resolves once this process holds every feed row the request's statement could see. */
  async ensure(state: FeedState): Promise<void> {
    // A catch-up that starts after the request's statement sees at least what that statement saw.
    if (!this.holds(state)) await this.catchUp();
  }

  /** Reads and applies the feed rows this process has not seen (one statement; one run at a time). */
  catchUp(): Promise<void> {
    if (this.running) {
      // A run in flight may have read before the caller's rows committed: go round once more.
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        await this.readChanges();
      } while (this.again);
    })().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /**
   * Whether every row the request saw above its `low` is applied here. Every row applied above the
   * current watermark is in `seen`; a request that counted from a lower watermark (one moved up
   * since) catches up rather than reason about rows given up on.
   */
  private holds(state: FeedState): boolean {
    if (state.count === 0) return true;
    if (state.low < this.low()) return false;
    let n = 0;
    for (const seq of this.seen) if (seq > state.low) n++;
    return n >= state.count;
  }

  /**
   * Prunes the feed's rows older than `retentionMs` every `retentionMs / 4` (any number of
   * processes may; each prune is one statement). A process that fell further behind than the
   * retention reads every list again at its next request instead of missing what was pruned.
   */
  startPruning(retentionMs: number): void {
    if (this.pruner) return;
    this.pruner = setInterval(
      () => {
        prunePairChanges(this.db, retentionMs)
          .then((pruned) => pruned > 0 && this.logger.debug({ pruned }, 'pair feed pruned'))
          .catch((err: unknown) => this.logger.warn({ err }, 'pair feed prune failed'));
      },
      Math.max(1_000, retentionMs / 4),
    );
    this.pruner.unref();
  }

  stop(): void {
    if (this.pruner) clearInterval(this.pruner);
    this.pruner = undefined;
  }

  private async readChanges(): Promise<void> {
    const low = this.low();
    const { changes, lists, floor } = await readPairChanges(this.db, low, [...this.seen], this.neighbours);
    // Rows above the watermark were pruned before this process read them: read everything again.
    if (floor > low || changes.some((c) => c.itemId === null)) {
      await this.reloadAll();
      return;
    }
    this.table.set(lists);
    this.note(changes.map((c) => c.seq));
  }

  private async reloadAll(): Promise<void> {
    const started = Date.now();
    const { lists, feed } = await loadAllNeighbourLists(this.db, this.neighbours, LOOKBACK);
    this.table.clear();
    this.table.set(lists);
    this.gaps.clear();
    this.seen.clear();
    // Numbers missing just below the head may belong to transactions still running; nothing at or
    // below the pruning floor is awaited (what is left there is in the snapshot).
    this.maxSeen = Math.max(0, feed.head - LOOKBACK, feed.floor);
    this.note(feed.recent);
    this.loadMs = Date.now() - started;
    this.logger.info({ pairs: this.table.pairs, bytes: this.table.bytes, ms: this.loadMs }, 'co-occurrence loaded');
  }

  /** Records feed numbers as seen: numbers skipped over become gaps. */
  private note(seqs: readonly number[]): void {
    const now = Date.now();
    for (const seq of [...seqs].sort((x, y) => x - y)) {
      if (seq > this.maxSeen) {
        for (let s = Math.max(this.maxSeen + 1, seq - LOOKBACK); s < seq; s++) this.gaps.set(s, now);
        this.maxSeen = seq;
      }
      this.gaps.delete(seq);
      this.seen.add(seq);
    }
    this.low();
  }
}
