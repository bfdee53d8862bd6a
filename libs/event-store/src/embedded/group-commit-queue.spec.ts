import { GroupCommitQueue, Settlement } from './group-commit-queue';

describe('GroupCommitQueue', () => {
  it('hands everything enqueued in one turn to a single commit, in order', async () => {
    const batches: number[][] = [];
    const queue = new GroupCommitQueue<number, number>(
      (items) => {
        batches.push([...items]);
        return items.map((n) => ({ ok: true, value: n * 10 }));
      },
      { maxBatchWeight: 100 },
    );

    const results = await Promise.all([1, 2, 3].map((n) => queue.enqueue(n)));

    expect(results).toEqual([10, 20, 30]);
    expect(batches).toEqual([[1, 2, 3]]);
  });

  it('rejects only the items the commit says failed', async () => {
    const queue = new GroupCommitQueue<number, number>(
      (items) =>
        items.map((n): Settlement<number> => (n % 2 === 0 ? { ok: false, error: new Error(`even ${n}`) } : { ok: true, value: n })),
      { maxBatchWeight: 100 },
    );

    const outcomes = await Promise.allSettled([1, 2, 3].map((n) => queue.enqueue(n)));

    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  });

  it('rejects every item of a batch whose commit throws', async () => {
    const failure = new Error('disk I/O error');
    const queue = new GroupCommitQueue<number, number>(
      () => {
        throw failure;
      },
      { maxBatchWeight: 100 },
    );

    const outcomes = await Promise.allSettled([1, 2].map((n) => queue.enqueue(n)));

    expect(outcomes).toEqual([
      { status: 'rejected', reason: failure },
      { status: 'rejected', reason: failure },
    ]);
  });

  it('commits at once when the queued weight reaches the limit', async () => {
    const batches: string[][] = [];
    const queue = new GroupCommitQueue<string, string>(
      (items) => {
        batches.push([...items]);
        return items.map((s) => ({ ok: true, value: s }));
      },
      { maxBatchWeight: 5, weigh: (s) => s.length },
    );

    const done = Promise.all(['ab', 'cde', 'f'].map((s) => queue.enqueue(s)));
    expect(batches).toEqual([['ab', 'cde']]);
    expect(queue.size).toBe(1);

    await done;
    expect(batches).toEqual([['ab', 'cde'], ['f']]);
  });

  it('refuses to guess when the commit returns the wrong number of outcomes', async () => {
    const queue = new GroupCommitQueue<number, number>(() => [{ ok: true, value: 1 }], { maxBatchWeight: 100 });

    const outcomes = await Promise.allSettled([1, 2].map((n) => queue.enqueue(n)));

    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected']);
  });

  describe('with a commit that settles later (another thread)', () => {
    /** A commit whose batches the test settles by hand, one at a time. */
    function manualCommit() {
      const batches: number[][] = [];
      const settles: Array<(outcome: Settlement<number>[] | Error) => void> = [];
      const commit = (items: readonly number[]) => {
        batches.push([...items]);
        return new Promise<Settlement<number>[]>((resolve, reject) => {
          settles.push((outcome) => (outcome instanceof Error ? reject(outcome) : resolve(outcome)));
        });
      };
      const succeed = (i: number) => settles[i]!(batches[i]!.map((n) => ({ ok: true, value: n * 10 })));
      return { batches, settles, commit, succeed };
    }
    const turn = () => new Promise((resolve) => setImmediate(resolve));

    it('hands the next turn over without waiting for the batch in flight, and settles each batch with its own outcome', async () => {
      const manual = manualCommit();
      const queue = new GroupCommitQueue<number, number>(manual.commit, { maxBatchWeight: 100 });

      const first = queue.enqueue(1);
      await turn();
      const later = [2, 3, 4].map((n) => queue.enqueue(n));
      await turn();
      expect(manual.batches).toEqual([[1], [2, 3, 4]]);
      expect(queue.size).toBe(0);

      manual.succeed(1);
      expect(await Promise.all(later)).toEqual([20, 30, 40]);
      manual.succeed(0);
      expect(await first).toBe(10);
    });

    it('rejects every item of a batch whose commit rejects, and goes on with the next batch', async () => {
      const manual = manualCommit();
      const queue = new GroupCommitQueue<number, number>(manual.commit, { maxBatchWeight: 100 });
      const failure = new Error('append thread exited');

      const doomed = [1, 2].map((n) => queue.enqueue(n));
      await turn();
      const next = queue.enqueue(3);
      manual.settles[0]!(failure);

      expect(await Promise.allSettled(doomed)).toEqual([
        { status: 'rejected', reason: failure },
        { status: 'rejected', reason: failure },
      ]);
      await turn();
      expect(manual.batches).toEqual([[1, 2], [3]]);
      manual.succeed(1);
      expect(await next).toBe(30);
    });

    it('hands over batches of at most maxBatchWeight', async () => {
      const manual = manualCommit();
      const queue = new GroupCommitQueue<number, number>(manual.commit, { maxBatchWeight: 2 });

      const all = [1, 2, 3, 4, 5].map((n) => queue.enqueue(n));
      expect(manual.batches).toEqual([[1, 2], [3, 4]]);
      await turn();
      expect(manual.batches).toEqual([[1, 2], [3, 4], [5]]);
      [0, 1, 2].forEach(manual.succeed);

      expect(await Promise.all(all)).toEqual([10, 20, 30, 40, 50]);
    });

    it('drain resolves only after every batch in flight has settled', async () => {
      const manual = manualCommit();
      const queue = new GroupCommitQueue<number, number>(manual.commit, { maxBatchWeight: 100 });
      const settled: number[] = [];

      void queue.enqueue(1).then((v) => settled.push(v));
      await turn();
      void queue.enqueue(2).then((v) => settled.push(v));
      let drained = false;
      const draining = queue.drain().then(() => (drained = true));

      await turn();
      manual.succeed(1);
      await turn();
      expect(drained).toBe(false);
      manual.succeed(0);
      await draining;

      expect(settled).toEqual([20, 10]);
      expect(queue.size).toBe(0);
    });
  });
});
