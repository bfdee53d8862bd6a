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
  /**
   * The store cannot hold the document (a storeEmpty merger's, never drained before): it can be
   * written as ifAbsent without reading it or checking for another.
   */
  knownAbsent?: boolean;
};

const hasOwn = (object: object, field: string): boolean => Object.prototype.hasOwnProperty.call(object, field);

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

// The loops below use for...in with an own-property check rather than Object.entries: this is the
// hottest code of a rebuild (every op of every event), and entries() allocates an array per field.

function assignFields(target: DocFields, fields: DocFields | undefined): void {
  if (!fields) return;
  for (const field in fields) {
    if (!hasOwn(fields, field) || field === '_id') continue;
    const value = fields[field];
    if (value !== undefined) target[field] = value;
  }
}

/** Applies an upsert to `target` in place; `created` says the document did not exist before. */
function upsertInto(target: DocFields, created: boolean, op: Extract<DocOp, { kind: 'upsert' }>): void {
  if (created) assignFields(target, op.setOnInsert);
  assignFields(target, op.set);
  const inc = op.inc;
  if (!inc) return;
  for (const field in inc) {
    if (!hasOwn(inc, field) || field === '_id') continue;
    target[field] = addInteger(op.collection, op.id, field, target[field], checkIncAmount(op.collection, op.id, field, inc[field]));
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
  const { set, inc } = op;
  if (set) {
    for (const field in set) {
      if (!hasOwn(set, field) || field === '_id') continue;
      const value = set[field];
      if (value === undefined) continue;
      present.set[field] = value;
      // A set overrides the incs before it (delete only when there is one: it is rare and slow).
      if (hasOwn(present.inc, field)) delete present.inc[field];
    }
  }
  if (inc) {
    for (const field in inc) {
      if (!hasOwn(inc, field) || field === '_id') continue;
      const by = checkIncAmount(op.collection, op.id, field, inc[field]);
      if (hasOwn(present.set, field)) present.set[field] = addInteger(op.collection, op.id, field, present.set[field], by);
      else present.inc[field] = addInteger(op.collection, op.id, field, present.inc[field], by);
    }
  }
  merged.ifPresent = present;
}

/** What a merger holds for one collection, and how well it merges (DocOpMerger.collections). */
export type MergerCollection = {
  collection: string;
  /** Documents held. */
  size: number;
  /** Ops that landed on a document already held, since the collection was last drained. */
  hits: number;
  /**
   * With storeEmpty: documents held that an earlier drain already gave out, which holding them
   * longer would have merged (a few more are counted: see DRAINED_BITS).
   */
  returns: number;
};

type CollectionWindow = { docs: Map<string, MergedDocOp>; hits: number; returns: number; drained: Uint8Array | undefined };

/**
 * The ids a storeEmpty merger drained, per collection, as a bitmap of hashed ids: 2^24 bits
 * (2 MiB) per collection. It never misses a drained id; for a million drained ids about one in
 * seventeen others is taken for drained too, which costs that document a full merge and a write
 * that reads (the embedded store defers it until the id index is built). With 2^22 bits 21,219 of
 * the bench's 423,892 supporters were, with 2^24 6,694 (bench/ANALYSIS.md).
 */
const DRAINED_BITS = 1 << 24;

/** FNV-1a of the id, folded onto the bitmap. */
function drainedBit(id: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i += 1) hash = Math.imul(hash ^ id.charCodeAt(i), 0x01000193);
  return (hash >>> 0) & (DRAINED_BITS - 1);
}

function wasDrained(drained: Uint8Array, id: string): boolean {
  const bit = drainedBit(id);
  return (drained[bit >>> 3]! & (1 << (bit & 7))) !== 0;
}

/**
 * Folds ops, as they come, into one MergedDocOp per document (first-touch order within each
 * collection). mergeDocOps uses it for one batch; a rebuild keeps one across many batches, so a
 * document touched by thousands of events is written once per flush. size is the number of
 * documents held, to bound memory.
 *
 * With `storeEmpty`, the store holds none of the documents but those this merger drained (a
 * rebuild's fresh generation, which only the rebuild writes). A document it never drained is
 * folded into the document it creates only, with no `ifPresent`: half the memory and work, and no
 * read when it is written. One it drained before is folded in full.
 */
export class DocOpMerger {
  private readonly byCollection = new Map<string, CollectionWindow>();
  /** storeEmpty only: the ids drained so far, per collection. */
  private readonly drainedIds = new Map<string, Uint8Array>();
  private readonly storeEmpty: boolean;
  private held = 0;
  private upserts = false;

  constructor(options: { storeEmpty?: boolean } = {}) {
    this.storeEmpty = options.storeEmpty === true;
  }

  get size(): number {
    return this.held;
  }

  /** True when every op held is an insert: waiting for more ops cannot merge anything. */
  get onlyInserts(): boolean {
    return !this.upserts;
  }

  /** Per collection held: its size and how well it merges (to pick what to drain). */
  collections(): MergerCollection[] {
    return [...this.byCollection].map(([collection, window]) => ({ collection, size: window.docs.size, hits: window.hits, returns: window.returns }));
  }

  add(op: DocOp): void {
    let window = this.byCollection.get(op.collection);
    if (window === undefined) {
      window = { docs: new Map(), hits: 0, returns: 0, drained: this.drainedIds.get(op.collection) };
      this.byCollection.set(op.collection, window);
    }
    // Could the store already hold this document? Always, unless the store is known empty but for what was drained.
    const maybeStored = !this.storeEmpty || (window.drained !== undefined && wasDrained(window.drained, op.id));
    let merged = window.docs.get(op.id);
    const isFirst = merged === undefined;
    if (merged === undefined) {
      merged = { collection: op.collection, id: op.id, ifAbsent: {}, absentError: null, ifPresent: null, knownAbsent: !maybeStored };
      window.docs.set(op.id, merged);
      this.held += 1;
      if (this.storeEmpty && maybeStored) window.returns += 1;
    } else {
      window.hits += 1;
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
    if (op.kind === 'upsert') this.upserts = true;
    if (maybeStored) foldIntoPresent(merged, op);
  }

  addAll(ops: readonly DocOp[]): void {
    for (const op of ops) this.add(op);
  }

  /** The merged ops held so far, per collection in first-touch order; the merger is empty afterwards. */
  drain(): MergedDocOp[] {
    const merged: MergedDocOp[] = [];
    for (const collection of [...this.byCollection.keys()]) {
      for (const doc of this.drainCollection(collection)) merged.push(doc);
    }
    return merged;
  }

  /** The merged ops held for one collection, in first-touch order; they are no longer held. */
  drainCollection(collection: string): MergedDocOp[] {
    const window = this.byCollection.get(collection);
    if (window === undefined) return [];
    this.byCollection.delete(collection);
    this.held -= window.docs.size;
    if (this.storeEmpty && window.docs.size > 0) {
      let drained = this.drainedIds.get(collection);
      if (drained === undefined) {
        drained = new Uint8Array(DRAINED_BITS / 8);
        this.drainedIds.set(collection, drained);
      }
      for (const id of window.docs.keys()) {
        const bit = drainedBit(id);
        drained[bit >>> 3]! |= 1 << (bit & 7);
      }
    }
    if (this.held === 0) this.upserts = false;
    return [...window.docs.values()];
  }
}

/** Groups the ops per document, in first-touch order, each folded into one MergedDocOp. */
export function mergeDocOps(ops: readonly DocOp[]): MergedDocOp[] {
  const merger = new DocOpMerger();
  merger.addAll(ops);
  return merger.drain();
}

/** The document after the merged ops, given the one before the batch (null when absent). */
export function applyMergedDocOp(doc: DocFields | null, merged: MergedDocOp): DocFields {
  if (!doc) {
    if (merged.absentError) throw merged.absentError;
    return { ...merged.ifAbsent };
  }
  if (!merged.ifPresent) return doc;
  const next: DocFields = { ...doc, ...merged.ifPresent.set };
  const inc = merged.ifPresent.inc;
  for (const field in inc) {
    if (hasOwn(inc, field)) next[field] = addInteger(merged.collection, merged.id, field, next[field], inc[field]!);
  }
  return next;
}
