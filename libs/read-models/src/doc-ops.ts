import type { DocOp } from './read-store.port';

/**
 * DocOp semantics, shared by every ReadStore adapter so they agree to the byte:
 * - upsert: creates the document when absent (setOnInsert, then set, then inc from 0), otherwise
 *   applies set (last write wins) then inc (integers only);
 * - insert: creates the document when absent, does nothing when present.
 * Fields are top-level; `_id` is the op's id and cannot be set.
 * An inc by a non safe-integer, or on a field holding a non-number, or past 2^53 is a DocOpError:
 * the adapter then rejects the whole batch (nothing written, checkpoint unchanged).
 */
export type DocFields = Record<string, unknown>;

export class DocOpError extends Error {
  override readonly name = 'DocOpError';
  constructor(
    readonly collection: string,
    readonly id: string,
    message: string,
  ) {
    super(`${collection}/${id}: ${message}`);
  }
}

/**
 * All ops of a batch on one document, folded into its two possible outcomes, so an adapter reads
 * and writes each document once per batch (and the Mongo adapter can pick its update form).
 */
export type MergedDocOp = {
  collection: string;
  id: string;
  /** The whole document the ops create when none exists before the batch. */
  ifAbsent: DocFields;
  /** Set when creating the document fails (e.g. an inc on a setOnInsert string): thrown only if absent. */
  absentError: DocOpError | null;
  /** What the ops do to an existing document: set then inc (disjoint fields); null when nothing. */
  ifPresent: { set: DocFields; inc: Record<string, number> } | null;
};

const keyOf = (collection: string, id: string): string => `${collection}\u0000${id}`;

function checkIncAmount(collection: string, id: string, field: string, by: unknown): number {
  if (typeof by !== 'number' || !Number.isSafeInteger(by)) {
    throw new DocOpError(collection, id, `inc of ${field} by ${String(by)} is not a safe integer`);
  }
  return by;
}

function addInteger(collection: string, id: string, field: string, current: unknown, by: number): number {
  const base = current === undefined || current === null ? 0 : current;
  if (typeof base !== 'number') {
    throw new DocOpError(collection, id, `inc of ${field}: field holds a ${typeof base}, not a number`);
  }
  const sum = base + by;
  if (!Number.isSafeInteger(sum)) throw new DocOpError(collection, id, `inc of ${field} leaves the safe integer range`);
  return sum;
}

function assignFields(target: DocFields, fields: DocFields | undefined): void {
  if (!fields) return;
  for (const [field, value] of Object.entries(fields)) {
    if (field !== '_id' && value !== undefined) target[field] = value;
  }
}

/** Applies an upsert to `target` in place; `created` says the document did not exist before. */
function upsertInto(target: DocFields, created: boolean, op: Extract<DocOp, { kind: 'upsert' }>): void {
  if (created) assignFields(target, op.setOnInsert);
  assignFields(target, op.set);
  for (const [field, by] of Object.entries(op.inc ?? {})) {
    if (field === '_id') continue;
    target[field] = addInteger(op.collection, op.id, field, target[field], checkIncAmount(op.collection, op.id, field, by));
  }
}

/** Applies one op to a document (null when absent); returns the new fields, or null if still absent. */
export function applyDocOp(doc: DocFields | null, op: DocOp): DocFields | null {
  if (op.kind === 'insert') {
    if (doc) return doc;
    const created: DocFields = {};
    assignFields(created, op.doc);
    return created;
  }
  const next: DocFields = doc ? { ...doc } : {};
  upsertInto(next, !doc, op);
  return next;
}

function foldIntoPresent(merged: MergedDocOp, op: DocOp): void {
  if (op.kind === 'insert') return;
  const present = merged.ifPresent ?? { set: {}, inc: {} };
  for (const [field, value] of Object.entries(op.set ?? {})) {
    if (field === '_id' || value === undefined) continue;
    present.set[field] = value;
    delete present.inc[field];
  }
  for (const [field, rawBy] of Object.entries(op.inc ?? {})) {
    if (field === '_id') continue;
    const by = checkIncAmount(op.collection, op.id, field, rawBy);
    if (field in present.set) present.set[field] = addInteger(op.collection, op.id, field, present.set[field], by);
    else present.inc[field] = addInteger(op.collection, op.id, field, present.inc[field], by);
  }
  merged.ifPresent = present;
}

/** Groups the ops per document, in first-touch order, each folded into one MergedDocOp. */
export function mergeDocOps(ops: readonly DocOp[]): MergedDocOp[] {
  const byDoc = new Map<string, MergedDocOp>();
  for (const op of ops) {
    const key = keyOf(op.collection, op.id);
    let merged = byDoc.get(key);
    const isFirst = !merged;
    if (!merged) {
      merged = { collection: op.collection, id: op.id, ifAbsent: {}, absentError: null, ifPresent: null };
      byDoc.set(key, merged);
    }
    if (!merged.absentError) {
      try {
        // In place: the merge owns ifAbsent, and copying it per op would dominate a rebuild.
        if (op.kind === 'insert') {
          if (isFirst) assignFields(merged.ifAbsent, op.doc);
        } else {
          upsertInto(merged.ifAbsent, isFirst, op);
        }
      } catch (error) {
        if (!(error instanceof DocOpError)) throw error;
        merged.absentError = error;
      }
    }
    foldIntoPresent(merged, op);
  }
  return [...byDoc.values()];
}

/** The document after the merged ops, given the one before the batch (null when absent). */
export function applyMergedDocOp(doc: DocFields | null, merged: MergedDocOp): DocFields {
  if (!doc) {
    if (merged.absentError) throw merged.absentError;
    return { ...merged.ifAbsent };
  }
  if (!merged.ifPresent) return doc;
  const next: DocFields = { ...doc, ...merged.ifPresent.set };
  for (const [field, by] of Object.entries(merged.ifPresent.inc)) {
    next[field] = addInteger(merged.collection, merged.id, field, next[field], by);
  }
  return next;
}
