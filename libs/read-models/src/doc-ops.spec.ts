import { applyDocOp, applyMergedDocOp, DocOpError, DocOpMerger, mergeDocOps, type DocFields } from './doc-ops';
import type { DocOp } from './read-store.port';

const up = (fields: Omit<Extract<DocOp, { kind: 'upsert' }>, 'kind' | 'collection' | 'id'>, id = 'a'): DocOp => ({
  kind: 'upsert',
  collection: 'c',
  id,
  ...fields,
});
const ins = (doc: DocFields, id = 'a'): DocOp => ({ kind: 'insert', collection: 'c', id, doc });

function applySequentially(start: DocFields | null, ops: readonly DocOp[]): DocFields | null {
  return ops.reduce<DocFields | null>((doc, op) => applyDocOp(doc, op), start);
}

describe('applyDocOp', () => {
  it('creates with setOnInsert, set and inc from 0 when absent', () => {
    expect(applyDocOp(null, up({ setOnInsert: { a: 1, s: 'x' }, set: { s: 'y' }, inc: { n: 5 } }))).toEqual({
      a: 1,
      s: 'y',
      n: 5,
    });
  });

  it('ignores setOnInsert and adds inc when present', () => {
    expect(applyDocOp({ a: 1, n: 2 }, up({ setOnInsert: { a: 9 }, inc: { n: -3 } }))).toEqual({ a: 1, n: -1 });
  });

  it('inserts only when absent', () => {
    expect(applyDocOp(null, ins({ v: 1 }))).toEqual({ v: 1 });
    expect(applyDocOp({ v: 2 }, ins({ v: 1 }))).toEqual({ v: 2 });
  });

  it('never sets _id and drops undefined values', () => {
    expect(applyDocOp(null, up({ set: { _id: 'other', u: undefined, k: 1 } }))).toEqual({ k: 1 });
  });

  it('rejects an inc on a non-number, by a fraction, or past 2^53', () => {
    expect(() => applyDocOp({ n: 'text' }, up({ inc: { n: 1 } }))).toThrow(DocOpError);
    expect(() => applyDocOp({}, up({ inc: { n: 0.5 } }))).toThrow(DocOpError);
    expect(() => applyDocOp({ n: Number.MAX_SAFE_INTEGER }, up({ inc: { n: 1 } }))).toThrow(DocOpError);
  });
});

describe('mergeDocOps', () => {
  it('groups by collection and id in first-touch order', () => {
    const merged = mergeDocOps([up({ inc: { n: 1 } }, 'a'), up({ inc: { n: 1 } }, 'b'), up({ inc: { n: 2 } }, 'a')]);
    expect(merged.map((m) => m.id)).toEqual(['a', 'b']);
    expect(merged[0]!.ifPresent).toEqual({ set: {}, inc: { n: 3 } });
  });

  it('sums incs, keeps the last set and the first setOnInsert', () => {
    const [merged] = mergeDocOps([
      up({ setOnInsert: { first: 1 }, set: { s: 'one' }, inc: { n: 1 } }),
      up({ setOnInsert: { first: 2 }, set: { s: 'two' }, inc: { n: 2 } }),
    ]);
    expect(merged!.ifAbsent).toEqual({ first: 1, s: 'two', n: 3 });
    expect(merged!.ifPresent).toEqual({ set: { s: 'two' }, inc: { n: 3 } });
  });

  it('folds an inc after a set into the set, and drops an inc before a set', () => {
    const [afterSet] = mergeDocOps([up({ set: { n: 10 } }), up({ inc: { n: 1 } })]);
    expect(afterSet!.ifPresent).toEqual({ set: { n: 11 }, inc: {} });
    const [beforeSet] = mergeDocOps([up({ inc: { n: 1 } }), up({ set: { n: 10 } })]);
    expect(beforeSet!.ifPresent).toEqual({ set: { n: 10 }, inc: {} });
  });

  it('defers a failure that only happens when the document is created', () => {
    const [merged] = mergeDocOps([up({ setOnInsert: { n: 'text' } }), up({ inc: { n: 1 } })]);
    expect(() => applyMergedDocOp(null, merged!)).toThrow(DocOpError);
    expect(applyMergedDocOp({ n: 4 }, merged!)).toEqual({ n: 5 });
  });

  it('equals applying the ops one by one, for random sequences on absent and present documents', () => {
    let seed = 7;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const fields = ['x', 'y', 'z'];
    const pick = (): DocFields => {
      const out: DocFields = {};
      for (const f of fields) if (rand(3) === 0) out[f] = rand(2) === 0 ? rand(100) : `s${rand(5)}`;
      return out;
    };
    const pickInc = (): Record<string, number> => {
      const out: Record<string, number> = {};
      for (const f of fields) if (rand(2) === 0) out[f] = rand(21) - 10;
      return out;
    };
    const outcome = (run: () => DocFields | null): unknown => {
      try {
        return run();
      } catch (error) {
        if (error instanceof DocOpError) return 'DocOpError';
        throw error;
      }
    };
    for (let round = 0; round < 2000; round += 1) {
      const ops: DocOp[] = [];
      const count = 1 + rand(5);
      for (let i = 0; i < count; i += 1) {
        ops.push(rand(4) === 0 ? ins(pick()) : up({ set: pick(), inc: pickInc(), setOnInsert: pick() }));
      }
      const starts: (DocFields | null)[] = [null, { x: rand(50), y: rand(50), z: rand(50) }, { x: 's', y: 1 }];
      for (const start of starts) {
        const expected = outcome(() => applySequentially(start, ops));
        const actual = outcome(() => applyMergedDocOp(start, mergeDocOps(ops)[0]!));
        expect(actual).toEqual(expected);
      }
    }
  });
});

describe('DocOpMerger', () => {
  it('says when it holds inserts only, so a caller knows waiting cannot merge anything', () => {
    const merger = new DocOpMerger();
    expect(merger.onlyInserts).toBe(true);
    merger.addAll([ins({ a: 1 }), { kind: 'insert', collection: 'c', id: 'other', doc: { a: 2 } }]);
    expect(merger.onlyInserts).toBe(true);
    expect(merger.size).toBe(2);
    merger.add(up({ inc: { n: 1 } }));
    expect(merger.onlyInserts).toBe(false);
    expect(merger.drain()).toHaveLength(2);
    expect(merger.onlyInserts).toBe(true);
    expect(merger.size).toBe(0);
  });

  it('counts per collection the ops that merged into a held document, and the documents it holds again after a drain', () => {
    const merger = new DocOpMerger({ storeEmpty: true });
    merger.addAll([up({ inc: { n: 1 } }), up({ inc: { n: 2 } }), { kind: 'upsert', collection: 'once', id: 'o', inc: { n: 1 } }, up({ set: { s: 1 } })]);
    expect(merger.collections()).toEqual([
      { collection: 'c', size: 1, hits: 2, returns: 0 },
      { collection: 'once', size: 1, hits: 0, returns: 0 },
    ]);
    expect(merger.drainCollection('once')).toHaveLength(1);
    expect(merger.size).toBe(1);
    expect(merger.collections()).toEqual([{ collection: 'c', size: 1, hits: 2, returns: 0 }]);
    // 'o' comes back after its drain; 'p' is new (the bitmap may count a new id, but not this one).
    merger.addAll([
      { kind: 'upsert', collection: 'once', id: 'o', inc: { n: 1 } },
      { kind: 'upsert', collection: 'once', id: 'p', inc: { n: 1 } },
    ]);
    expect(merger.collections()).toContainEqual({ collection: 'once', size: 2, hits: 0, returns: 1 });
  });

  it('with storeEmpty folds in full only the documents it drained before', () => {
    const ops = [up({ setOnInsert: { origin: 1 }, inc: { n: 1 } }), up({ set: { s: 'x' }, inc: { n: 2 } })];
    const merger = new DocOpMerger({ storeEmpty: true });
    merger.addAll(ops);
    const [first] = merger.drain();
    expect(first).toMatchObject({ ifAbsent: { origin: 1, s: 'x', n: 3 }, ifPresent: null, knownAbsent: true });
    // 'a' again: the store may hold it now. 'b' was never drained: the store cannot hold it.
    merger.addAll([...ops, up({ inc: { n: 5 } }, 'b')]);
    const [second, never] = merger.drain();
    expect(second).toEqual(mergeDocOps(ops)[0]);
    expect(second!.ifPresent).toEqual({ set: { s: 'x' }, inc: { n: 3 } });
    expect(second!.knownAbsent).toBe(false);
    expect(never).toMatchObject({ id: 'b', ifAbsent: { n: 5 }, ifPresent: null, knownAbsent: true });
    // Without storeEmpty nothing is known absent.
    expect(mergeDocOps([up({ inc: { n: 5 } }, 'b')])[0]).toMatchObject({ ifPresent: { set: {}, inc: { n: 5 } }, knownAbsent: false });
  });
});
