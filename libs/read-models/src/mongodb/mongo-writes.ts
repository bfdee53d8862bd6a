import type { AnyBulkWriteOperation, Document } from 'mongodb';
/** Read-model documents are keyed by the projection's string id, never an ObjectId. */
export type StoredDoc = { _id: string } & Document;

import { DocOpError, type DocFields, type MergedDocOp } from '../doc-ops';

/**
 * Turns a batch's merged ops (one per document, see ../doc-ops.ts) into bulkWrite models.
 *
 * The usual case is one idempotent upsert: $set and $inc for an existing document, with
 * $setOnInsert for the rest of the document it would create. That is exact only when creating
 * the document through $set/$inc (an $inc counts from 0) gives the same fields as `ifAbsent`;
 * when it does not (an insert followed by an inc in one batch, or an inc on a setOnInsert field),
 * the adapter reads which documents exist, inside the same transaction, and writes each outcome
 * explicitly (`toKnownStateModel`).
 * https://www.mongodb.com/docs/manual/reference/operator/update/setOnInsert/
 */
export function toUpsertModel(merged: MergedDocOp): AnyBulkWriteOperation<StoredDoc> | null {
  checkFieldNames(merged);
  const set = merged.ifPresent?.set ?? {};
  const inc = merged.ifPresent?.inc ?? {};
  const createdThroughUpdate: DocFields = { ...set, ...inc };
  for (const [field, value] of Object.entries(createdThroughUpdate)) {
    if (!sameValue(merged.ifAbsent[field], value)) return null;
  }
  const setOnInsert = Object.fromEntries(Object.entries(merged.ifAbsent).filter(([field]) => !(field in createdThroughUpdate)));

  const update: Document = {};
  if (Object.keys(set).length > 0) update.$set = set;
  if (Object.keys(inc).length > 0) update.$inc = inc;
  if (Object.keys(setOnInsert).length > 0) update.$setOnInsert = setOnInsert;
  // An update needs at least one operator; a document with no fields is written explicitly instead.
  if (Object.keys(update).length === 0) return null;
  return { updateOne: { filter: { _id: merged.id }, update, upsert: true } };
}

/** The write for a document whose existence was read in this transaction; null when none is needed. */
export function toKnownStateModel(merged: MergedDocOp, exists: boolean): AnyBulkWriteOperation<StoredDoc> | null {
  checkFieldNames(merged);
  if (!exists) return { insertOne: { document: { ...merged.ifAbsent, _id: merged.id } } };
  const present = merged.ifPresent;
  if (!present) return null;
  const update: Document = {};
  if (Object.keys(present.set).length > 0) update.$set = present.set;
  if (Object.keys(present.inc).length > 0) update.$inc = present.inc;
  if (Object.keys(update).length === 0) return null;
  return { updateOne: { filter: { _id: merged.id }, update } };
}

/** Merged ops grouped by collection, keeping first-touch order inside each. */
export function groupByCollection(merged: readonly MergedDocOp[]): Map<string, MergedDocOp[]> {
  const groups = new Map<string, MergedDocOp[]>();
  for (const op of merged) {
    const group = groups.get(op.collection);
    if (group) group.push(op);
    else groups.set(op.collection, [op]);
  }
  return groups;
}

// Mongo reads "a.b" as a path and "$x" as an operator in updates, unlike the embedded store: refuse.
function checkFieldNames(merged: MergedDocOp): void {
  const fields = [...Object.keys(merged.ifAbsent), ...Object.keys(merged.ifPresent?.set ?? {}), ...Object.keys(merged.ifPresent?.inc ?? {})];
  const bad = fields.find((field) => field.includes('.') || field.startsWith('$'));
  if (bad !== undefined) throw new DocOpError(merged.collection, merged.id, `field name ${bad} is not allowed (no '.' and no leading '$')`);
}

/** Structural equality of values as BSON would store them (Dates by instant). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a instanceof Date || b instanceof Date) {
    return a instanceof Date && b instanceof Date && a.getTime() === b.getTime();
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((item, i) => sameValue(item, b[i]));
  }
  if (typeof a === 'object' && typeof b === 'object' && a !== null && b !== null) {
    const aKeys = Object.keys(a);
    const bRecord = b as Record<string, unknown>;
    return aKeys.length === Object.keys(b).length && aKeys.every((key) => key in bRecord && sameValue((a as Record<string, unknown>)[key], bRecord[key]));
  }
  return false;
}
