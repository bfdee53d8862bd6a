/** The outcome of one queued item inside a committed batch. */
export type Settlement<R> = { ok: true; value: R } | { ok: false; error: unknown };

export type GroupCommitOptions<T> = {
  /** Commit as soon as the queued weight reaches this, without waiting for the next turn; a batch weighs at most this (or one item). */
  maxBatchWeight: number;
  /** How much one item counts towards maxBatchWeight (e.g. its number of events). Default 1. */
  weigh?: (item: T) => number;
};

type Pending<T, R> = { item: T; resolve: (value: R) => void; reject: (error: unknown) => void };

/**
 * Collects items enqueued during one turn of the event loop and hands them to `commit` together,
 * so that one transaction (one fsync) acknowledges many callers. `commit` returns one settlement
 * per item, in order; if it throws (or its promise rejects), the whole batch failed and every
 * item of it is rejected with that error.
 *
 * `commit` may run synchronously or return a promise (a commit on another thread). The queue does
 * not wait for a batch in flight before handing over the next turn's: the committer receives them
 * in order and may merge those that queued behind a running transaction (the append thread does),
 * so it never sits idle waiting for this event loop.
 */
export class GroupCommitQueue<T, R> {
  private pending: Pending<T, R>[] = [];
  private pendingWeight = 0;
  private scheduled: NodeJS.Immediate | null = null;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly weigh: (item: T) => number;

  constructor(
    private readonly commit: (items: readonly T[]) => Settlement<R>[] | Promise<Settlement<R>[]>,
    private readonly options: GroupCommitOptions<T>,
  ) {
    this.weigh = options.weigh ?? (() => 1);
  }

  /** Items waiting for a batch (not counting batches in flight). */
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

  /** Hands everything queued now to `commit`, in batches of at most maxBatchWeight. */
  flush(): void {
    if (this.scheduled !== null) {
      clearImmediate(this.scheduled);
      this.scheduled = null;
    }
    while (this.pending.length > 0) {
      const batch = this.takeBatch();
      let result: Settlement<R>[] | Promise<Settlement<R>[]>;
      try {
        result = this.commit(batch.map((p) => p.item));
      } catch (error) {
        for (const p of batch) p.reject(error);
        continue;
      }
      if (!(result instanceof Promise)) {
        settle(batch, result);
        continue;
      }
      const settled = result.then(
        (settlements) => settle(batch, settlements),
        (error: unknown) => {
          for (const p of batch) p.reject(error);
        },
      );
      this.inFlight.add(settled);
      void settled.then(() => this.inFlight.delete(settled));
    }
  }

  /** Resolves once everything enqueued so far (and anything enqueued meanwhile) has settled. */
  async drain(): Promise<void> {
    this.flush();
    while (this.inFlight.size > 0 || this.pending.length > 0) {
      await Promise.all(this.inFlight);
      this.flush();
    }
  }

  /** The oldest items, up to maxBatchWeight (at least one). */
  private takeBatch(): Pending<T, R>[] {
    const { count, weight } = leadingWithin(this.pending, (p) => this.weigh(p.item), this.options.maxBatchWeight);
    this.pendingWeight -= weight;
    return this.pending.splice(0, count);
  }
}

/** How many of the first items a batch of at most `max` weight takes (at least one), and their weight. */
export function leadingWithin<T>(items: readonly T[], weigh: (item: T) => number, max: number): { count: number; weight: number } {
  let weight = 0;
  let count = 0;
  while (count < items.length) {
    const next = weigh(items[count]!);
    if (count > 0 && weight + next > max) break;
    weight += next;
    count += 1;
  }
  return { count, weight };
}

function settle<T, R>(batch: readonly Pending<T, R>[], settlements: readonly Settlement<R>[]): void {
  if (settlements.length !== batch.length) {
    // A commit that lost track of its items cannot tell anyone what happened to theirs.
    const error = new Error(`group commit returned ${settlements.length} outcomes for ${batch.length} items`);
    for (const p of batch) p.reject(error);
    return;
  }
  batch.forEach((p, i) => {
    const s = settlements[i]!;
    if (s.ok) p.resolve(s.value);
    else p.reject(s.error);
  });
}
