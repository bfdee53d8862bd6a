import { randomBytes } from 'node:crypto';
import { DocOpError, DocOpMerger } from '../../libs/read-models/src/doc-ops';
import type { Doc, DocOp, FindQuery, ProjectionDefinition, ReadStore, Scalar } from '../../libs/read-models/src/read-store.port';

/**
 * What every ReadStore adapter promises (read-store.port.ts, doc-ops.ts). It also runs against a
 * shared MongoDB whose data outlives the run, so every test uses fresh projection and collection
 * names and never assumes an empty database.
 */
export function readStoreContract(
  adapterName: string,
  open: () => Promise<{ store: ReadStore; close: () => Promise<void> }>,
): void {
  describe(`ReadStore contract: ${adapterName}`, () => {
    let store: ReadStore;
    let close: () => Promise<void>;

    beforeAll(async () => {
      ({ store, close } = await open());
    });
    afterAll(async () => {
      await close?.();
    });

    const unique = (): string => randomBytes(5).toString('hex');

    /** A fresh projection with one collection `docs` (indexed on group, score desc, _id) and `other`. */
    async function freshProjection(): Promise<{ name: string; docs: string; other: string; def: ProjectionDefinition }> {
      const suffix = unique();
      const name = `p_${suffix}`;
      const docs = `docs_${suffix}`;
      const other = `other_${suffix}`;
      const def: ProjectionDefinition = {
        name,
        collections: [
          {
            name: docs,
            indexes: [
              {
                fields: [
                  ['group', 1],
                  ['score', -1],
                  ['_id', 1],
                ],
              },
            ],
          },
          { name: other, indexes: [] },
        ],
      };
      await store.init([def]);
      return { name, docs, other, def };
    }

    const upsert = (collection: string, id: string, fields: Omit<Extract<DocOp, { kind: 'upsert' }>, 'kind' | 'collection' | 'id'>): DocOp => ({
      kind: 'upsert',
      collection,
      id,
      ...fields,
    });

    it('init creates empty collections, generation and no checkpoint', async () => {
      const p = await freshProjection();
      expect(await store.find(p.docs, { orderBy: [['_id', 'asc']], limit: 10 })).toEqual([]);
      expect(await store.get(p.other, 'missing')).toBeNull();
      expect(await store.checkpoint(p.name)).toBeNull();
      expect(Number.isInteger(await store.activeGeneration(p.name))).toBe(true);
      await store.init([p.def]);
      expect(await store.checkpoint(p.name)).toBeNull();
    });

    it('upsert creates with setOnInsert, set and inc; later batches set and inc only', async () => {
      const p = await freshProjection();
      expect(
        await store.applyBatch(p.name, [upsert(p.docs, 'u1', { setOnInsert: { born: 'first' }, set: { name: 'Ann' }, inc: { n: 5 } })], 10n),
      ).toBe(true);
      expect(await store.get(p.docs, 'u1')).toEqual({ _id: 'u1', born: 'first', name: 'Ann', n: 5 });
      await store.applyBatch(p.name, [upsert(p.docs, 'u1', { setOnInsert: { born: 'again' }, set: { name: 'Bo' }, inc: { n: -7, m: 2 } })], 11n);
      expect(await store.get(p.docs, 'u1')).toEqual({ _id: 'u1', born: 'first', name: 'Bo', n: -2, m: 2 });
      expect(await store.checkpoint(p.name)).toBe(11n);
    });

    it('insert creates a document once and never overwrites it', async () => {
      const p = await freshProjection();
      await store.applyBatch(p.name, [{ kind: 'insert', collection: p.other, id: 'e1', doc: { v: 1 } }], 1n);
      await store.applyBatch(p.name, [{ kind: 'insert', collection: p.other, id: 'e1', doc: { v: 2 } }], 2n);
      expect(await store.get(p.other, 'e1')).toEqual({ _id: 'e1', v: 1 });
      expect(await store.checkpoint(p.name)).toBe(2n);
    });

    it('a batch creating hundreds of documents writes each one and still keeps those that exist', async () => {
      const p = await freshProjection();
      await store.applyBatch(p.name, [{ kind: 'insert', collection: p.other, id: 'd0137', doc: { v: 'kept' } }], 1n);
      const ids = Array.from({ length: 203 }, (_, i) => `d${String(i).padStart(4, '0')}`);
      const ops: DocOp[] = ids.map((id, i) => ({ kind: 'insert', collection: p.other, id, doc: { v: i } }));
      expect(await store.applyBatch(p.name, ops, 2n)).toBe(true);
      const stored = await store.find(p.other, { orderBy: [['_id', 'asc']], limit: 500 });
      expect(stored.map((d) => d._id)).toEqual(ids);
      expect(stored.map((d) => d.v)).toEqual(ids.map((id, i) => (id === 'd0137' ? 'kept' : i)));
    });

    it('applies the ops of one batch in order: incs add up, last set wins, first setOnInsert wins', async () => {
      const p = await freshProjection();
      await store.applyBatch(
        p.name,
        [
          upsert(p.docs, 'a', { setOnInsert: { origin: 1 }, set: { s: 'one' }, inc: { n: 1 } }),
          { kind: 'insert', collection: p.docs, id: 'a', doc: { ignored: true } },
          upsert(p.docs, 'b', { inc: { n: 100 } }),
          upsert(p.docs, 'a', { setOnInsert: { origin: 2 }, set: { s: 'two' }, inc: { n: 2 } }),
          upsert(p.docs, 'a', { inc: { n: 3 } }),
        ],
        5n,
      );
      expect(await store.get(p.docs, 'a')).toEqual({ _id: 'a', origin: 1, s: 'two', n: 6 });
      expect(await store.get(p.docs, 'b')).toEqual({ _id: 'b', n: 100 });
    });

    it('applyMergedBatch of ops merged across batches leaves what applying them batch by batch leaves', async () => {
      const batches = (p: { docs: string; other: string }): DocOp[][] => [
        [upsert(p.docs, 'a', { setOnInsert: { origin: 1 }, set: { s: 'one' }, inc: { n: 1 } }), { kind: 'insert', collection: p.other, id: 'e1', doc: { v: 1 } }],
        [upsert(p.docs, 'a', { set: { s: 'two' }, inc: { n: 2 } }), upsert(p.docs, 'b', { inc: { n: 7 } })],
        [{ kind: 'insert', collection: p.other, id: 'e1', doc: { v: 2 } }, upsert(p.docs, 'a', { setOnInsert: { origin: 2 }, inc: { n: 3 } })],
      ];
      const oneByOne = await freshProjection();
      const merged = await freshProjection();
      // Both start from an existing document, so the merged path must fold onto what is stored.
      for (const p of [oneByOne, merged]) await store.applyBatch(p.name, [upsert(p.docs, 'a', { set: { s: 'zero', n: 10 } })], 1n);
      for (const [i, ops] of batches(oneByOne).entries()) await store.applyBatch(oneByOne.name, ops, BigInt(i + 2));
      const merger = new DocOpMerger();
      for (const ops of batches(merged)) merger.addAll(ops);
      expect(merger.size).toBe(3);
      expect(await store.applyMergedBatch(merged.name, merger.drain(), 4n)).toBe(true);
      expect(merger.size).toBe(0);
      for (const [p, q] of [
        [oneByOne.docs, merged.docs],
        [oneByOne.other, merged.other],
      ] as const) {
        expect(await store.find(q, { orderBy: [['_id', 'asc']], limit: 10 })).toEqual(await store.find(p, { orderBy: [['_id', 'asc']], limit: 10 }));
      }
      expect(await store.get(merged.docs, 'a')).toEqual({ _id: 'a', s: 'two', n: 16 });
      expect(await store.checkpoint(merged.name)).toBe(4n);
      // Same redelivery rule as applyBatch.
      expect(await store.applyMergedBatch(merged.name, [], 4n)).toBe(false);
    });

    it('applyMergedBatch rejects a merged failure whole, like applyBatch', async () => {
      const p = await freshProjection();
      await store.applyBatch(p.name, [upsert(p.docs, 'x', { set: { label: 'text' } })], 3n);
      const merger = new DocOpMerger();
      merger.addAll([upsert(p.docs, 'y', { inc: { n: 1 } }), upsert(p.docs, 'x', { inc: { label: 1 } })]);
      await expect(store.applyMergedBatch(p.name, merger.drain(), 4n)).rejects.toThrow(DocOpError);
      expect(await store.get(p.docs, 'y')).toBeNull();
      expect(await store.checkpoint(p.name)).toBe(3n);
    });

    it('applyMergedDocs writes documents into a prepared generation and leaves its checkpoint; later batches fold onto them', async () => {
      const p = await freshProjection();
      const next = (await store.activeGeneration(p.name)) + 1;
      await store.prepareGeneration(p.name, next);
      const merger = new DocOpMerger({ storeEmpty: true });
      merger.addAll([upsert(p.docs, 'a', { setOnInsert: { origin: 1 }, inc: { n: 2 } }), upsert(p.docs, 'a', { inc: { n: 3 } })]);
      merger.add({ kind: 'insert', collection: p.other, id: 'kept', doc: { v: 1 } });
      await store.applyMergedDocs(p.name, merger.drainCollection(p.docs), next);
      expect(await store.checkpoint(p.name, next)).toBeNull();
      // The rest, and what came later (folded in full now that `docs` may hold them), with the checkpoint.
      merger.add(upsert(p.docs, 'a', { setOnInsert: { origin: 2 }, inc: { n: 10 } }));
      expect(await store.applyMergedBatch(p.name, merger.drain(), 7n, next)).toBe(true);
      await store.activateGeneration(p.name, next);
      expect(await store.get(p.docs, 'a')).toEqual({ _id: 'a', origin: 1, n: 15 });
      expect(await store.get(p.other, 'kept')).toEqual({ _id: 'kept', v: 1 });
      expect(await store.checkpoint(p.name)).toBe(7n);
    });

    it('applyMergedDocs refuses the active generation, and a failing document writes none of the others', async () => {
      const p = await freshProjection();
      const active = await store.activeGeneration(p.name);
      const merger = new DocOpMerger();
      merger.add(upsert(p.docs, 'a', { inc: { n: 1 } }));
      await expect(store.applyMergedDocs(p.name, merger.drain(), active)).rejects.toThrow(RangeError);
      expect(await store.get(p.docs, 'a')).toBeNull();

      const next = active + 1;
      await store.prepareGeneration(p.name, next);
      await store.applyBatch(p.name, [upsert(p.docs, 'x', { set: { label: 'text' } })], 3n, next);
      merger.addAll([upsert(p.docs, 'y', { inc: { n: 1 } }), upsert(p.docs, 'x', { inc: { label: 1 } })]);
      await expect(store.applyMergedDocs(p.name, merger.drain(), next)).rejects.toThrow(DocOpError);
      await store.activateGeneration(p.name, next);
      expect(await store.get(p.docs, 'y')).toBeNull();
      expect(await store.get(p.docs, 'x')).toEqual({ _id: 'x', label: 'text' });
      expect(await store.checkpoint(p.name)).toBe(3n);
    });

    it('a batch with a failing op (inc on a string field) writes nothing and keeps the checkpoint', async () => {
      const p = await freshProjection();
      await store.applyBatch(p.name, [upsert(p.docs, 'x', { set: { label: 'text', n: 1 } })], 3n);
      await expect(
        store.applyBatch(
          p.name,
          [
            upsert(p.docs, 'fresh', { set: { created: true } }),
            upsert(p.docs, 'x', { inc: { n: 1 } }),
            upsert(p.docs, 'x', { inc: { label: 1 } }),
          ],
          4n,
        ),
      ).rejects.toThrow();
      expect(await store.get(p.docs, 'fresh')).toBeNull();
      expect(await store.get(p.docs, 'x')).toEqual({ _id: 'x', label: 'text', n: 1 });
      expect(await store.checkpoint(p.name)).toBe(3n);
      expect(await store.applyBatch(p.name, [upsert(p.docs, 'x', { inc: { n: 1 } })], 4n)).toBe(true);
      expect(await store.get(p.docs, 'x')).toEqual({ _id: 'x', label: 'text', n: 2 });
    });

    it('skips a redelivered batch (position not beyond the checkpoint), so it counts once', async () => {
      const p = await freshProjection();
      const batch = [upsert(p.other, 'w', { inc: { coins: 10 } })];
      expect(await store.applyBatch(p.name, batch, 20n)).toBe(true);
      expect(await store.applyBatch(p.name, batch, 20n)).toBe(false);
      expect(await store.applyBatch(p.name, batch, 19n)).toBe(false);
      expect(await store.get(p.other, 'w')).toEqual({ _id: 'w', coins: 10 });
      expect(await store.checkpoint(p.name)).toBe(20n);
    });

    it('keeps 64-bit checkpoints exact', async () => {
      const p = await freshProjection();
      const big = 2n ** 63n - 1n;
      expect(await store.applyBatch(p.name, [], big - 1n)).toBe(true);
      expect(await store.applyBatch(p.name, [], big)).toBe(true);
      expect(await store.checkpoint(p.name)).toBe(big);
      expect(await store.applyBatch(p.name, [], big - 1n)).toBe(false);
    });

    describe('find', () => {
      let p: Awaited<ReturnType<typeof freshProjection>>;
      let all: Doc[];

      beforeAll(async () => {
        p = await freshProjection();
        let seed = 42;
        const next = (n: number): number => {
          seed = (seed * 1103515245 + 12345) % 2147483648;
          return seed % n;
        };
        const ops: DocOp[] = [];
        for (let i = 0; i < 83; i += 1) {
          const id = `d${String(i).padStart(3, '0')}`;
          // Few distinct scores, so ties are the rule and the _id tie-break is exercised.
          ops.push(upsert(p.docs, id, { set: { group: next(3) === 0 ? 'b' : 'a', score: next(6), day: `2024-01-${String(1 + next(9)).padStart(2, '0')}` } }));
        }
        await store.applyBatch(p.name, ops, 1n);
        all = (await pageThrough({ orderBy: [['_id', 'asc']], limit: 500 }, 500)).docs;
        expect(all).toHaveLength(83);
      });

      async function pageThrough(query: FindQuery, pageSize: number): Promise<{ docs: Doc[]; pages: number }> {
        const docs: Doc[] = [];
        let startAfter: Scalar[] | undefined;
        let pages = 0;
        for (;;) {
          const page = await store.find(p.docs, { ...query, limit: pageSize, ...(startAfter ? { startAfter } : {}) });
          pages += 1;
          docs.push(...page);
          if (page.length < pageSize) return { docs, pages };
          const last = page[page.length - 1]!;
          startAfter = query.orderBy.map(([field]) => last[field] as Scalar);
          if (pages > 1000) throw new Error('paging does not end');
        }
      }

      const compare = (orderBy: FindQuery['orderBy']) => (x: Doc, y: Doc): number => {
        for (const [field, dir] of orderBy) {
          const a = x[field] as string | number;
          const b = y[field] as string | number;
          if (a !== b) return (a < b ? -1 : 1) * (dir === 'asc' ? 1 : -1);
        }
        return 0;
      };

      it('orders by mixed asc/desc keys and pages through every document exactly once', async () => {
        const orderBy: FindQuery['orderBy'] = [
          ['score', 'desc'],
          ['_id', 'asc'],
        ];
        const { docs } = await pageThrough({ orderBy, limit: 7 }, 7);
        expect(docs.map((d) => d._id)).toEqual([...all].sort(compare(orderBy)).map((d) => d._id));
      });

      it('filters with where and pages along the index order (group, score desc, _id)', async () => {
        const orderBy: FindQuery['orderBy'] = [
          ['score', 'desc'],
          ['_id', 'asc'],
        ];
        const { docs } = await pageThrough({ where: { group: 'a' }, orderBy, limit: 5 }, 5);
        const expected = all.filter((d) => d.group === 'a').sort(compare(orderBy));
        expect(expected.length).toBeGreaterThan(10);
        expect(docs.map((d) => d._id)).toEqual(expected.map((d) => d._id));
      });

      it('filters a half-open range gte <= field < lt, on three keys with mixed directions', async () => {
        const orderBy: FindQuery['orderBy'] = [
          ['day', 'asc'],
          ['score', 'desc'],
          ['_id', 'desc'],
        ];
        const range = { field: 'day', gte: '2024-01-03', lt: '2024-01-07' };
        const { docs } = await pageThrough({ range, orderBy, limit: 4 }, 4);
        const expected = all.filter((d) => (d.day as string) >= range.gte && (d.day as string) < range.lt).sort(compare(orderBy));
        expect(expected.length).toBeGreaterThan(5);
        expect(docs.map((d) => d._id)).toEqual(expected.map((d) => d._id));
      });

      it('returns at most limit documents, and nothing past the last one', async () => {
        expect(await store.find(p.docs, { orderBy: [['_id', 'asc']], limit: 3 })).toEqual(all.slice(0, 3));
        expect(await store.find(p.docs, { orderBy: [['_id', 'asc']], startAfter: [all[all.length - 1]!._id], limit: 3 })).toEqual([]);
        expect(await store.find(p.docs, { where: { group: 'nobody' }, orderBy: [['_id', 'asc']], limit: 3 })).toEqual([]);
      });
    });

    it('generations: a prepared one fills apart, activation switches reads and drops the old data', async () => {
      const p = await freshProjection();
      const active = await store.activeGeneration(p.name);
      await store.applyBatch(p.name, [upsert(p.docs, 'old-only', { set: { v: 'old' } }), upsert(p.docs, 'both', { inc: { n: 1 } })], 50n);

      const next = active + 1;
      await store.prepareGeneration(p.name, next);
      expect(await store.checkpoint(p.name, next)).toBeNull();
      await store.applyBatch(p.name, [upsert(p.docs, 'both', { inc: { n: 7 } }), upsert(p.docs, 'new-only', { set: { v: 'new' } })], 40n, next);
      // Reads and the live checkpoint still use the active generation until the switch.
      expect(await store.get(p.docs, 'both')).toEqual({ _id: 'both', n: 1 });
      expect(await store.get(p.docs, 'new-only')).toBeNull();
      expect(await store.checkpoint(p.name)).toBe(50n);
      expect(await store.checkpoint(p.name, next)).toBe(40n);

      await store.activateGeneration(p.name, next);
      expect(await store.activeGeneration(p.name)).toBe(next);
      expect(await store.checkpoint(p.name)).toBe(40n);
      expect(await store.get(p.docs, 'both')).toEqual({ _id: 'both', n: 7 });
      expect(await store.get(p.docs, 'old-only')).toBeNull();
      expect((await store.find(p.docs, { orderBy: [['_id', 'asc']], limit: 10 })).map((d) => d._id)).toEqual(['both', 'new-only']);
      expect(await store.checkpoint(p.name, active)).toBeNull();
      // Without a generation argument, writes now go to the new one.
      expect(await store.applyBatch(p.name, [upsert(p.docs, 'both', { inc: { n: 1 } })], 41n)).toBe(true);
      expect(await store.get(p.docs, 'both')).toEqual({ _id: 'both', n: 8 });
    });

    it.each([
      ['indexed before the switch', true],
      ['indexed by the switch', false],
    ])('a rebuilt generation %s answers finds by its indexes exactly as the first one', async (_, indexFirst) => {
      const p = await freshProjection();
      const docs = [
        upsert(p.docs, 'a', { set: { group: 'g', score: 3 } }),
        upsert(p.docs, 'b', { set: { group: 'g', score: 9 } }),
        upsert(p.docs, 'c', { set: { group: 'h', score: 5 } }),
        upsert(p.docs, 'd', { set: { group: 'g', score: 9 } }),
      ];
      await store.applyBatch(p.name, docs, 5n);
      const query: FindQuery = { where: { group: 'g' }, orderBy: [['score', 'desc'], ['_id', 'asc']], limit: 2 };
      const firstPage = await store.find(p.docs, query);
      const secondPage = await store.find(p.docs, { ...query, startAfter: [9, 'd'] });

      const next = (await store.activeGeneration(p.name)) + 1;
      await store.prepareGeneration(p.name, next);
      await store.applyBatch(p.name, docs, 5n, next);
      if (indexFirst) {
        await store.indexGeneration(p.name, next);
        await store.indexGeneration(p.name, next);
      }
      await store.activateGeneration(p.name, next);
      expect(firstPage.map((d) => d._id)).toEqual(['b', 'd']);
      expect(await store.find(p.docs, query)).toEqual(firstPage);
      expect(await store.find(p.docs, { ...query, startAfter: [9, 'd'] })).toEqual(secondPage);
      expect(secondPage.map((d) => d._id)).toEqual(['a']);
    });

    it('indexing a generation that was never prepared is refused', async () => {
      const p = await freshProjection();
      await expect(store.indexGeneration(p.name, (await store.activeGeneration(p.name)) + 7)).rejects.toThrow();
    });

    it('preparing a leftover generation again starts it empty', async () => {
      const p = await freshProjection();
      const next = (await store.activeGeneration(p.name)) + 1;
      await store.prepareGeneration(p.name, next);
      await store.applyBatch(p.name, [upsert(p.docs, 'leftover', { set: { v: 1 } })], 9n, next);
      await store.prepareGeneration(p.name, next);
      expect(await store.checkpoint(p.name, next)).toBeNull();
      await store.activateGeneration(p.name, next);
      expect(await store.get(p.docs, 'leftover')).toBeNull();
    });

    it('round-trips large values, unicode and every JSON type', async () => {
      const p = await freshProjection();
      const big = 'ü€😀中文'.repeat(40_000);
      const fields = {
        big,
        unicode: 'Zoë — 你好 — 🎁 — \u0301e — "quotes" \\ back\nline',
        maxSafe: Number.MAX_SAFE_INTEGER,
        minSafe: Number.MIN_SAFE_INTEGER,
        zero: 0,
        yes: true,
        no: false,
        nothing: null,
        list: [1, 'two', { three: 3 }],
        nested: { a: { b: 'c' }, money: { value: 199, currency: 'USD' } },
      };
      const id = 'id:with|odd.chars@é🎁';
      await store.applyBatch(p.name, [upsert(p.other, id, { set: fields })], 1n);
      expect(await store.get(p.other, id)).toEqual({ _id: id, ...fields });
      await store.applyBatch(p.name, [upsert(p.other, id, { inc: { maxSafe: -1, minSafe: 1 } })], 2n);
      expect(await store.get(p.other, id)).toMatchObject({ maxSafe: Number.MAX_SAFE_INTEGER - 1, minSafe: Number.MIN_SAFE_INTEGER + 1, big });
      expect(await store.find(p.other, { where: { unicode: fields.unicode, yes: true }, orderBy: [['_id', 'asc']], limit: 5 })).toHaveLength(1);
    });

    it('answers ping', async () => {
      await expect(store.ping()).resolves.toBeUndefined();
    });
  });
}
