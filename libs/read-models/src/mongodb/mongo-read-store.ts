import {
  MongoClient,
  MongoServerError,
  type AnyBulkWriteOperation,
  type ClientSession,
  type Collection,
  type Db,
  type Document,
  type Filter,
  type Long,
  type TransactionOptions,
} from 'mongodb';
import type { Logger } from '../../../application/src/logger';
import { StoreUnavailableError } from '../../../event-store/src/event-store.port';
import { mergeDocOps, type MergedDocOp } from '../doc-ops';
import type { Doc, DocOp, FindQuery, ProjectionDefinition, ReadStore } from '../read-store.port';
import { isUnavailable, toDocOpError, toStoreError } from './mongo-errors';
import { toMongoFind } from './mongo-find';
import { supportingIndex, toIndexDescription } from './mongo-indexes';
import { positionFromStored, positionToLong } from './mongo-position';
import { summarizeMongoUrl } from './mongo-url';
import { groupByCollection, toKnownStateModel, toUpsertModel, type StoredDoc } from './mongo-writes';

export type MongoReadStoreOptions = {
  /** Database name; default: the one in the URL, else `coinstream`. */
  dbName?: string;
  logger?: Logger;
  /** How long to look for a usable server before failing an operation (default 5000 ms). */
  serverSelectionTimeoutMS?: number;
};

const CHECKPOINTS = 'projection_checkpoints';
const ACTIVE_GENERATIONS = 'active_generations';
/** The generation a projection reads from before any rebuild switched it. */
const FIRST_GENERATION = 1;

// Codes: NamespaceExists when creating a collection twice, NamespaceNotFound when dropping none.
const NAMESPACE_EXISTS = 48;
const NAMESPACE_NOT_FOUND = 26;

/**
 * Every batch is one transaction that re-reads the checkpoint in the same snapshot: redelivered
 * events are skipped, and withTransaction may safely run the callback again on a
 * TransientTransactionError or retry the commit on UnknownTransactionCommitResult. Majority
 * writes survive a primary failover; operations inside it must not set their own concerns.
 * https://www.mongodb.com/docs/manual/core/transactions-in-applications/
 * https://www.mongodb.com/docs/manual/core/transactions/#transactions-and-write-concern
 */
const BATCH_TRANSACTION: TransactionOptions = {
  readConcern: { level: 'snapshot' },
  writeConcern: { w: 'majority' },
  readPreference: 'primary',
};

type Registered = { projection: ProjectionDefinition };

type CheckpointDoc = { _id: string; projection: string; generation: number; position: Long };
type ActiveGenerationDoc = { _id: string; generation: number };

/**
 * The ReadStore on a MongoDB replica set. Collections are named `<collection>_g<generation>`;
 * `projection_checkpoints` holds { _id: `<projection>:<generation>`, position: Long } and
 * `active_generations` holds { _id: <projection>, generation }.
 *
 * Indexes: `get` uses the implicit `_id` index; a `find` uses the declared index that starts with
 * its `where` fields, then its `orderBy` keys, then its `range` field (see mongo-indexes.ts). A find
 * no declared index serves is logged once as a warning, as it would scan and sort in memory.
 *
 * Known gap with doc-ops.ts: an $inc that carries a stored number past 2^53 is not refused here
 * (the server cannot tell us without a read), while the embedded store throws DocOpError.
 */
export class MongoReadStore implements ReadStore {
  private readonly collections = new Map<string, Registered>();
  private readonly projections = new Map<string, ProjectionDefinition>();
  private readonly warnedQueries = new Set<string>();

  private constructor(
    private readonly client: MongoClient,
    private readonly db: Db,
    private readonly hosts: string,
    private readonly logger?: Logger,
  ) {}

  /** Connects and checks the server is a replica set member (or mongos): transactions need one. */
  static async connect(url: string, options: MongoReadStoreOptions = {}): Promise<MongoReadStore> {
    const summary = summarizeMongoUrl(url);
    const client = new MongoClient(url, { serverSelectionTimeoutMS: options.serverSelectionTimeoutMS ?? 5000, appName: 'coinstream-read-store' });
    let hello: Document;
    try {
      await client.connect();
      const admin = client.db('admin');
      await admin.command({ ping: 1 });
      hello = await admin.command({ hello: 1 });
    } catch (error) {
      await client.close().catch(() => undefined);
      const reason = error instanceof Error ? error.message : String(error);
      throw new StoreUnavailableError(`MongoDB at ${summary.hosts} is unreachable: ${reason}`, error);
    }
    if (typeof hello.setName !== 'string' && hello.msg !== 'isdbgrid') {
      await client.close().catch(() => undefined);
      throw new Error(
        `MongoDB at ${summary.hosts} is not a replica set: read models need transactions, which need one ` +
          '(start mongod with --replSet rs0, run rs.initiate(), and add ?replicaSet=rs0 to the URL)',
      );
    }
    const db = client.db(options.dbName ?? summary.dbName ?? 'coinstream');
    options.logger?.info({ hosts: summary.hosts, database: db.databaseName }, 'read store on MongoDB');
    return new MongoReadStore(client, db, summary.hosts, options.logger);
  }

  async init(projections: readonly ProjectionDefinition[]): Promise<void> {
    for (const projection of projections) {
      for (const collection of projection.collections) {
        const owner = this.collections.get(collection.name);
        if (owner && owner.projection.name !== projection.name) {
          throw new Error(`collection ${collection.name} belongs to both ${owner.projection.name} and ${projection.name}`);
        }
        this.collections.set(collection.name, { projection });
      }
      this.projections.set(projection.name, projection);
    }
    await this.guard('initialising projections', async () => {
      for (const projection of projections) {
        // $setOnInsert: concurrent starts (api and projector) agree on one first generation.
        await this.db
          .collection<ActiveGenerationDoc>(ACTIVE_GENERATIONS)
          .updateOne(
            { _id: projection.name },
            { $setOnInsert: { generation: FIRST_GENERATION } },
            { upsert: true, writeConcern: { w: 'majority' } },
          );
        await this.createCollections(projection, await this.readActiveGeneration(projection.name));
      }
    });
  }

  async activeGeneration(projection: string): Promise<number> {
    this.projectionNamed(projection);
    return await this.guard('reading the active generation', () => this.readActiveGeneration(projection));
  }

  async checkpoint(projection: string, generation?: number): Promise<bigint | null> {
    this.projectionNamed(projection);
    return await this.guard('reading a checkpoint', async () => {
      const chosen = generation ?? (await this.readActiveGeneration(projection));
      const stored = await this.db
        .collection<CheckpointDoc>(CHECKPOINTS, { readConcern: { level: 'majority' } })
        .findOne({ _id: checkpointId(projection, chosen) }, { promoteLongs: false });
      return stored ? positionFromStored(stored.position) : null;
    });
  }

  async applyBatch(projection: string, ops: readonly DocOp[], position: bigint, generation?: number): Promise<boolean> {
    this.checkCollections(projection, ops);
    // Merging and validating before the transaction: a bad op rejects the batch with nothing written.
    return this.writeMerged(projection, mergeDocOps(ops), position, generation);
  }

  async applyMergedBatch(projection: string, docs: readonly MergedDocOp[], position: bigint, generation?: number): Promise<boolean> {
    this.checkCollections(projection, docs);
    return this.writeMerged(projection, docs, position, generation);
  }

  async applyMergedDocs(projection: string, docs: readonly MergedDocOp[], generation: number): Promise<void> {
    this.checkCollections(projection, docs);
    await this.writeMerged(projection, docs, null, generation);
  }

  /**
   * One batch of merged documents and the checkpoint, in one transaction (collections already
   * checked); with no position, documents only, into a generation that is not active.
   */
  private async writeMerged(projection: string, docs: readonly MergedDocOp[], position: bigint | null, generation?: number): Promise<boolean> {
    const merged = groupByCollection(docs);
    const storedPosition = position === null ? null : positionToLong(position);

    return await this.guard('applying a batch', async () => {
      const session = this.client.startSession();
      try {
        return await session.withTransaction(async () => {
          const chosen = generation ?? (await this.readActiveGeneration(projection, session));
          const id = checkpointId(projection, chosen);
          const checkpoints = this.db.collection<CheckpointDoc>(CHECKPOINTS);
          if (position === null) {
            if (chosen === (await this.readActiveGeneration(projection, session))) {
              throw new RangeError(`generation ${chosen} of ${projection} is the active one: its documents move with its checkpoint`);
            }
          } else {
            const current = await checkpoints.findOne({ _id: id }, { session, promoteLongs: false });
            if (current && position <= positionFromStored(current.position)) return false;
          }

          for (const [collection, docs] of merged) {
            const target = this.db.collection<StoredDoc>(physicalName(collection, chosen));
            const { models, ids } = await this.writesFor(target, docs, session);
            if (models.length === 0) continue;
            try {
              // One document, one model: their order cannot matter, so the server may run them unordered.
              await target.bulkWrite(models, { session, ordered: false });
            } catch (error) {
              throw toDocOpError(error, collection, ids);
            }
          }
          if (storedPosition !== null) {
            await checkpoints.updateOne(
              { _id: id },
              { $set: { projection, generation: chosen, position: storedPosition } },
              { session, upsert: true },
            );
          }
          return true;
        }, BATCH_TRANSACTION);
      } finally {
        await session.endSession();
      }
    });
  }

  private checkCollections(projection: string, writes: readonly { collection: string }[]): void {
    const owned = new Set(this.projectionNamed(projection).collections.map((collection) => collection.name));
    const foreign = writes.find((write) => !owned.has(write.collection));
    if (foreign) throw new Error(`projection ${projection} cannot write to ${foreign.collection}: not one of its collections`);
  }

  async prepareGeneration(projection: string, generation: number): Promise<void> {
    const definition = this.projectionNamed(projection);
    return await this.guard('preparing a generation', async () => {
      if ((await this.readActiveGeneration(projection)) === generation) {
        throw new Error(`generation ${generation} of ${projection} is the active one: refusing to empty it`);
      }
      for (const collection of definition.collections) await this.dropIfExists(physicalName(collection.name, generation));
      await this.db
        .collection<CheckpointDoc>(CHECKPOINTS)
        .deleteOne({ _id: checkpointId(projection, generation) }, { writeConcern: { w: 'majority' } });
      // Created here, outside any transaction: explicit creation in one needs read concern local.
      await this.createCollections(definition, generation);
    });
  }

  /** Indexes are created with the generation here (prepareGeneration); this only makes sure. */
  async indexGeneration(projection: string, generation: number): Promise<void> {
    const definition = this.projectionNamed(projection);
    return await this.guard('indexing a generation', async () => {
      await this.createCollections(definition, generation);
    });
  }

  async activateGeneration(projection: string, generation: number): Promise<void> {
    const definition = this.projectionNamed(projection);
    return await this.guard('activating a generation', async () => {
      // Majority first: once readers can see the switch, no failover can undo it.
      await this.db
        .collection<ActiveGenerationDoc>(ACTIVE_GENERATIONS)
        .updateOne(
          { _id: projection },
          { $set: { generation } },
          { upsert: true, writeConcern: { w: 'majority' } },
        );
      const older = await this.generationsBelow(definition, generation);
      for (const name of older.collections) await this.dropIfExists(name);
      if (older.generations.length > 0) {
        await this.db.collection<CheckpointDoc>(CHECKPOINTS).deleteMany(
          { _id: { $in: older.generations.map((old) => checkpointId(projection, old)) } },
          { writeConcern: { w: 'majority' } },
        );
      }
    });
  }

  async get(collection: string, id: string): Promise<Doc | null> {
    const { projection } = this.registered(collection);
    return await this.guard('reading a document', async () => {
      const generation = await this.readActiveGeneration(projection.name);
      const doc = await this.readCollection(collection, generation).findOne({ _id: id });
      return doc as Doc | null;
    });
  }

  async find(collection: string, query: FindQuery): Promise<Doc[]> {
    const { projection } = this.registered(collection);
    const { filter, sort, limit } = toMongoFind(query);
    this.warnIfUnindexed(projection, collection, query);
    // Mongo reads limit 0 as "no limit"; the port means an empty page.
    if (limit === 0) return [];
    return await this.guard('finding documents', async () => {
      const generation = await this.readActiveGeneration(projection.name);
      const docs = await this.readCollection(collection, generation).find(filter as Filter<StoredDoc>, { sort, limit }).toArray();
      return docs as Doc[];
    });
  }

  async ping(): Promise<void> {
    return await this.guard('pinging', async () => {
      await this.db.command({ ping: 1 });
    });
  }

  async close(): Promise<void> {
    await this.client.close();
  }

  /** Drops the whole database: for tests that own a throwaway database. */
  async dropDatabase(): Promise<void> {
    await this.db.dropDatabase();
  }

  /** The bulk models of one collection's merged ops, and the document id of each model. */
  private async writesFor(
    target: Collection<StoredDoc>,
    docs: readonly MergedDocOp[],
    session: ClientSession,
  ): Promise<{ models: AnyBulkWriteOperation<StoredDoc>[]; ids: string[] }> {
    const models: AnyBulkWriteOperation<StoredDoc>[] = [];
    const ids: string[] = [];
    const undecided: MergedDocOp[] = [];
    for (const doc of docs) {
      const model = toUpsertModel(doc);
      if (!model) undecided.push(doc);
      else {
        models.push(model);
        ids.push(doc.id);
      }
    }
    if (undecided.length === 0) return { models, ids };
    // Read inside the transaction's snapshot: a concurrent writer makes this commit conflict and retry.
    const existing = await target
      .find({ _id: { $in: undecided.map((doc) => doc.id) } }, { session, projection: { _id: 1 } })
      .toArray();
    const exists = new Set(existing.map((doc) => doc._id));
    for (const doc of undecided) {
      const model = toKnownStateModel(doc, exists.has(doc.id));
      if (model) {
        models.push(model);
        ids.push(doc.id);
      }
    }
    return { models, ids };
  }

  private async readActiveGeneration(projection: string, session?: ClientSession): Promise<number> {
    // Inside a transaction its snapshot read concern applies; an operation may not set its own.
    const collection = session
      ? this.db.collection<ActiveGenerationDoc>(ACTIVE_GENERATIONS)
      : this.db.collection<ActiveGenerationDoc>(ACTIVE_GENERATIONS, { readConcern: { level: 'majority' } });
    const stored = await collection.findOne({ _id: projection }, session ? { session } : {});
    return typeof stored?.generation === 'number' ? stored.generation : FIRST_GENERATION;
  }

  private readCollection(collection: string, generation: number): Collection<StoredDoc> {
    // Majority: a read never shows a write a failover could roll back.
    return this.db.collection<StoredDoc>(physicalName(collection, generation), { readConcern: { level: 'majority' } });
  }

  private async createCollections(projection: ProjectionDefinition, generation: number): Promise<void> {
    for (const collection of projection.collections) {
      const name = physicalName(collection.name, generation);
      try {
        await this.db.createCollection(name, { writeConcern: { w: 'majority' } });
      } catch (error) {
        if (!(error instanceof MongoServerError && error.code === NAMESPACE_EXISTS)) throw error;
      }
      if (collection.indexes.length > 0) {
        // createIndexes is a no-op for an index that already exists with the same name and keys.
        await this.db
          .collection(name, { writeConcern: { w: 'majority' } })
          .createIndexes(collection.indexes.map(toIndexDescription));
      }
    }
  }

  private async dropIfExists(name: string): Promise<void> {
    try {
      await this.db.dropCollection(name, { writeConcern: { w: 'majority' } });
    } catch (error) {
      if (!(error instanceof MongoServerError && error.code === NAMESPACE_NOT_FOUND)) throw error;
    }
  }

  private async generationsBelow(definition: ProjectionDefinition, generation: number): Promise<{ collections: string[]; generations: number[] }> {
    const names = await this.db.listCollections({}, { nameOnly: true }).toArray();
    const collections: string[] = [];
    const generations = new Set<number>();
    for (const { name } of names) {
      for (const collection of definition.collections) {
        const found = parseGeneration(name, collection.name);
        if (found !== null && found < generation) {
          collections.push(name);
          generations.add(found);
        }
      }
    }
    return { collections, generations: [...generations] };
  }

  private warnIfUnindexed(projection: ProjectionDefinition, collection: string, query: FindQuery): void {
    const definition = projection.collections.find((candidate) => candidate.name === collection);
    if (!definition || supportingIndex(definition.indexes, query)) return;
    const shape = `${collection} where ${Object.keys(query.where ?? {}).join(',')} range ${query.range?.field ?? ''} order ${query.orderBy.map(([f, d]) => `${f} ${d}`).join(',')}`;
    if (this.warnedQueries.has(shape)) return;
    this.warnedQueries.add(shape);
    this.logger?.warn({ query: shape }, 'no declared index serves this find: it scans and sorts in memory');
  }

  private registered(collection: string): Registered {
    const found = this.collections.get(collection);
    if (!found) throw new Error(`collection ${collection} is not registered: call init with its projection first`);
    return found;
  }

  private projectionNamed(projection: string): ProjectionDefinition {
    const found = this.projections.get(projection);
    if (!found) throw new Error(`projection ${projection} is not registered: call init with it first`);
    return found;
  }

  private async guard<T>(doing: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (isUnavailable(error)) this.logger?.warn({ hosts: this.hosts, doing, err: error }, 'MongoDB unavailable');
      throw toStoreError(error, this.hosts, doing);
    }
  }
}

export function physicalName(collection: string, generation: number): string {
  return `${collection}_g${generation}`;
}

export function checkpointId(projection: string, generation: number): string {
  return `${projection}:${generation}`;
}

/** The generation in a physical collection name of that logical collection, or null. */
export function parseGeneration(physical: string, collection: string): number | null {
  const prefix = `${collection}_g`;
  if (!physical.startsWith(prefix)) return null;
  const digits = physical.slice(prefix.length);
  return /^\d+$/.test(digits) ? Number(digits) : null;
}
