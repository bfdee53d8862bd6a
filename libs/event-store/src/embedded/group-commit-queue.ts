/** The outcome of one queued item inside a committed batch. */
export type Settlement<R> = { ok: true; value: R } | { ok: false; error: unknown };

export type GroupCommitOptions<T> = {
  /** Commit as soon as the queued weight reaches this, without waiting for the next turn. */
  maxBatchWeight: number;
  /** How much one item counts towards maxBatchWeight (e.g. its number of events). Default 1. */
  weigh?: (item: T) => number;
};

type Pending<T, R> = { item: T; resolve: (value: R) => void; reject: (error: unknown) => void };

/**
 * Collects items enqueued during one turn of the event loop and hands them to `commit` together,
 * so that one transaction (one fsync) acknowledges many callers. `commit` runs synchronously and
 * returns one settlement per item, in order; if it throws, the whole batch failed and every item
 * of it is rejected with that error.
 */
export class GroupCommitQueue<T, R> {
  private pending: Pending<T, R>[] = [];
  private pendingWeight = 0;
  private scheduled: NodeJS.Immediate | null = null;
  private readonly weigh: (item: T) => number;

  constructor(
    private readonly commit: (items: readonly T[]) => Settlement<R>[],
    private readonly options: GroupCommitOptions<T>,
  ) {
    this.weigh = options.weigh ?? (() => 1);
  }

  get size(): number {
    return this.pending.length;
  }

  enqueue(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      this.pendingWeight += this.weigh(item);
      if (this.pendingWeight >= this.options.maxBatchWeight) {
        this.flush();
      } else if (this.scheduled === null) {
        this.scheduled = setImmediate(() => this.flush());
      }
    });
  }

  /** Commits everything queued now, as one batch. */
  flush(): void {
    if (this.scheduled !== null) {
      clearImmediate(this.scheduled);
      this.scheduled = null;
    }
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    this.pendingWeight = 0;

    let settlements: Settlement<R>[];
    try {
      settlements = this.commit(batch.map((p) => p.item));
    } catch (error) {
      for (const p of batch) p.reject(error);
      return;
    }
    if (settlements.length !== batch.length) {
      // A commit that lost track of its items cannot tell anyone what happened to theirs.
      const error = new Error(`group commit returned ${settlements.length} outcomes for ${batch.length} items`);
      for (const p of batch) p.reject(error);
      return;
    }
    batch.forEach((p, i) => {
      const s = settlements[i];
      if (s.ok) p.resolve(s.value);
      else p.reject(s.error);
    });
  }
}
