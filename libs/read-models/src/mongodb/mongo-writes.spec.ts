import type { AnyBulkWriteOperation, Document } from 'mongodb';
import { applyDocOp, applyMergedDocOp, DocOpError, mergeDocOps, type DocFields } from '../doc-ops';
import type { DocOp } from '../read-store.port';
import { groupByCollection, sameValue, toKnownStateModel, toUpsertModel, type StoredDoc } from './mongo-writes';

// How MongoDB applies one bulk model to a document (null: absent), per the update operator docs:
// an upsert that inserts applies $setOnInsert, $set and $inc (from 0) to { _id }.
function mongoApply(doc: Document | null, model: AnyBulkWriteOperation<StoredDoc> | null): Document | null {
  if (!model) return doc;
  if ('insertOne' in model) {
    if (doc) throw new Error('E11000 duplicate key');
    return { ...model.insertOne.document };
  }
  if (!('updateOne' in model)) throw new Error('unexpected model');
  const { filter, update, upsert } = model.updateOne;
  const u = update as Document;
  if (!doc && !upsert) return null;
  const next: Document = doc ? { ...doc } : { _id: filter._id };
  if (!doc) Object.assign(next, u.$setOnInsert ?? {});
  Object.assign(next, u.$set ?? {});
  for (const [field, by] of Object.entries((u.$inc ?? {}) as Record<string, number>)) next[field] = (next[field] ?? 0) + by;
  const operators = Object.keys(u).filter((k) => k.startsWith('$'));
  const paths = operators.flatMap((op) => Object.keys(u[op] as object));
  if (new Set(paths).size !== paths.length) throw new Error('Updating the path would create a conflict');
  return next;
}

function mongoOutcome(ops: DocOp[], before: DocFields | null): Document | null {
  const [merged] = mergeDocOps(ops);
  const upsert = toUpsertModel(merged);
  const model = upsert ?? toKnownStateModel(merged, before !== null);
  return mongoApply(before ? { ...before, _id: merged.id } : null, model);
}

const up = (fields: Partial<Extract<DocOp, { kind: 'upsert' }>>): DocOp => ({ kind: 'upsert', collection: 'wallets', id: 'w1', ...fields });
const ins = (doc: Record<string, unknown>): DocOp => ({ kind: 'insert', collection: 'wallets', id: 'w1', doc });

describe('DocOp to bulkWrite models', () => {
  it('writes an upsert as one idempotent updateOne with $set, $inc and $setOnInsert', () => {
    const [merged] = mergeDocOps([up({ set: { updatedAt: 't1' }, inc: { balance: 70 }, setOnInsert: { userId: 'u1' } })]);
    expect(toUpsertModel(merged)).toEqual({
      updateOne: {
        filter: { _id: 'w1' },
        update: { $set: { updatedAt: 't1' }, $inc: { balance: 70 }, $setOnInsert: { userId: 'u1' } },
        upsert: true,
      },
    });
  });

  it('writes an insert as $setOnInsert with upsert, so a replay changes nothing', () => {
    const [merged] = mergeDocOps([ins({ position: 7, type: 'GiftSent' })]);
    const model = toUpsertModel(merged);
    expect(model).toEqual({ updateOne: { filter: { _id: 'w1' }, update: { $setOnInsert: { position: 7, type: 'GiftSent' } }, upsert: true } });
    expect(mongoApply({ _id: 'w1', position: 3 }, model)).toEqual({ _id: 'w1', position: 3 });
  });

  it('asks for the document state when operators cannot express the batch (insert then inc)', () => {
    const [merged] = mergeDocOps([ins({ balance: 5 }), up({ inc: { balance: 2 } })]);
    expect(toUpsertModel(merged)).toBeNull();
    expect(toKnownStateModel(merged, false)).toEqual({ insertOne: { document: { _id: 'w1', balance: 7 } } });
    expect(toKnownStateModel(merged, true)).toEqual({ updateOne: { filter: { _id: 'w1' }, update: { $inc: { balance: 2 } } } });
  });

  it('writes nothing for an existing document that only inserts touched', () => {
    const [merged] = mergeDocOps([ins({ a: 1 })]);
    expect(toKnownStateModel(merged, true)).toBeNull();
  });

  it("refuses field names Mongo would read as paths or operators, as a DocOpError", () => {
    expect(() => toUpsertModel(mergeDocOps([up({ set: { 'a.b': 1 } })])[0])).toThrow(DocOpError);
    expect(() => toKnownStateModel(mergeDocOps([ins({ $where: 1 })])[0], false)).toThrow(DocOpError);
  });

  it('groups merged ops by collection in first-touch order', () => {
    const groups = groupByCollection(
      mergeDocOps([up({ id: 'a' }), up({ collection: 'tx', id: 'b' }), up({ id: 'c' }), up({ id: 'a', inc: { n: 1 } })]),
    );
    expect([...groups.keys()]).toEqual(['wallets', 'tx']);
    expect(groups.get('wallets')!.map((m) => m.id)).toEqual(['a', 'c']);
  });

  // Every short sequence over a small alphabet of ops: Mongo's result must equal doc-ops' own.
  const alphabet: DocOp[] = [
    up({ inc: { balance: 3 } }),
    up({ set: { balance: 100, at: 't2' } }),
    up({ setOnInsert: { balance: 10, owner: 'u1' }, set: { at: 't1' } }),
    up({ setOnInsert: { owner: 'u2' }, inc: { spent: 4, balance: -1 } }),
    ins({ balance: 50, owner: 'u3', tags: ['x'] }),
    up({}),
  ];
  const sequences: DocOp[][] = [];
  for (const a of alphabet) {
    sequences.push([a]);
    for (const b of alphabet) {
      sequences.push([a, b]);
      for (const c of alphabet) sequences.push([a, b, c]);
    }
  }

  it.each([
    ['absent', null],
    ['present', { balance: 20, owner: 'u0', spent: 1 }],
  ] as const)('gives the same document as doc-ops, over every sequence of up to 3 ops, when the document is %s', (_state, before) => {
    for (const ops of sequences) {
      const expected = ops.reduce<DocFields | null>((doc, op) => applyDocOp(doc, op), before ? { ...before } : null);
      const viaMerge = applyMergedDocOp(before ? { ...before } : null, mergeDocOps(ops)[0]);
      const mongo = mongoOutcome(ops, before);
      const { _id, ...fields } = mongo ?? { _id: undefined };
      expect(_id).toBe(mongo ? 'w1' : undefined);
      expect({ ops, fields }).toEqual({ ops, fields: expected ?? {} });
      expect(sameValue(viaMerge, expected)).toBe(true);
    }
    expect(sequences.length).toBe(6 + 36 + 216);
  });

  it('compares stored values structurally', () => {
    expect(sameValue({ a: [1, { b: new Date(5) }] }, { a: [1, { b: new Date(5) }] })).toBe(true);
    expect(sameValue({ a: 1 }, { a: 1, b: undefined })).toBe(false);
    expect(sameValue([1], { 0: 1 })).toBe(false);
  });
});
