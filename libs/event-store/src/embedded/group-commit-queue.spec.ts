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
});
