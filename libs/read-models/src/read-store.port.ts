import type { MergedDocOp } from './doc-ops';

/**
 * The ReadStore port: where projections keep their documents and checkpoints. Adapters:
 * embedded (SQLite, ./embedded) and MongoDB (./mongodb); both pass
 * test/contracts/read-store.contract.ts.
 *
 * Projections are pure: they turn an event into DocOps; the store applies a batch of ops and
 * the projection's checkpoint in one transaction, so a crash never loses nor double-counts.
 * Each projection's collections live in a numbered generation: a rebuild fills a fresh
 * generation while reads keep using the active one, then switches over.
 */

export type Scalar = string | number | boolean | null;
export type Doc = { _id: string } & Record<string, unknown>;

export type DocOp =
  | {
      kind: 'upsert';
      collection: string;
      id: string;
      /** Fields set on every apply (last write wins). */
      set?: Record<string, unknown>;
      /** Integer fields added to (missing fields count as 0). */
      inc?: Record<string, number>;
      /** Fields set only when the document is created. */
      setOnInsert?: Record<string, unknown>;
    }
  | {
      /** Creates the document; does nothing if a document with this id exists. */
      kind: 'insert';
      collection: string;
      id: string;
      doc: Record<string, unknown>;
    };

export type IndexDefinition = {
  /** Fields in order; 1 ascending, -1 descending. */
  fields: ReadonlyArray<readonly [string, 1 | -1]>;
};

export type CollectionDefinition = {
  name: string;
  indexes: readonly IndexDefinition[];
};

export type ProjectionDefinition = {
  name: string;
  collections: readonly CollectionDefinition[];
};

export type FindQuery = {
  /** Equality on fields. */
  where?: Record<string, Scalar>;
  /** A half-open range on one field: gte <= field < lt. */
  range?: { field: string; gte?: Scalar; lt?: Scalar };
  /**
   * Sort; the last key should make the order total (e.g. _id or position). Order keys are
   * present and non-null in every document of the collection (keyset paging relies on it).
   */
  orderBy: ReadonlyArray<readonly [string, 'asc' | 'desc']>;
  /** Keyset pagination: the orderBy values of the last document of the previous page. */
  startAfter?: readonly Scalar[];
  limit: number;
};

export interface ReadStore {
  /** Registers the projections and creates their active generation's collections and indexes. */
  init(projections: readonly ProjectionDefinition[]): Promise<void>;

  activeGeneration(projection: string): Promise<number>;

  /** Last position applied to that generation, or null if none yet. */
  checkpoint(projection: string, generation?: number): Promise<bigint | null>;

  /**
   * Applies the ops and sets the checkpoint to `position`, atomically. A batch whose position
   * is not beyond the stored checkpoint is skipped (a redelivery) and false is returned.
   */
  applyBatch(projection: string, ops: readonly DocOp[], position: bigint, generation?: number): Promise<boolean>;

  /**
   * applyBatch for ops already folded per document (doc-ops.ts DocOpMerger: at most one merged op
   * per document, which adapters may rely on to write them in any order), same guarantees. A
   * rebuild merges the ops of many read batches into one of these, so a document touched by many
   * events is read and written once per flush instead of once per batch.
   */
  applyMergedBatch(projection: string, merged: readonly MergedDocOp[], position: bigint, generation?: number): Promise<boolean>;

  /**
   * Writes merged documents into a generation that is not the active one, and leaves its
   * checkpoint where it is: a rebuild writes out the documents that stopped merging (each touched
   * once or twice, like a creator's supporters) and keeps merging the rest in memory. All or
   * nothing, like applyBatch. The documents are then ahead of the checkpoint, so the events behind
   * them must not be applied again: a rebuild that has to replay starts the generation over.
   * An adapter may defer the documents it may already hold (not `knownAbsent`) until the next
   * write with a checkpoint into the generation, or its indexing: one that cannot apply then fails
   * that write, which writes nothing (the embedded store fills a generation without its id index).
   */
  applyMergedDocs(projection: string, merged: readonly MergedDocOp[], generation: number): Promise<void>;

  /**
   * Creates an empty generation (dropping a leftover one of that number) for a rebuild. An adapter
   * may leave its secondary indexes out until indexGeneration or activateGeneration: nothing
   * queries a generation before it is active, and filling it is faster without them.
   */
  prepareGeneration(projection: string, generation: number): Promise<void>;

  /** Builds the declared indexes of a prepared generation (before the switch, so it stays short). */
  indexGeneration(projection: string, generation: number): Promise<void>;

  /** Makes the generation the one reads use (with its indexes), and drops the older ones. */
  activateGeneration(projection: string, generation: number): Promise<void>;

  /** Reads from the active generation of the projection that owns the collection. */
  get(collection: string, id: string): Promise<Doc | null>;
  find(collection: string, query: FindQuery): Promise<Doc[]>;

  ping(): Promise<void>;
  close(): Promise<void>;
}
