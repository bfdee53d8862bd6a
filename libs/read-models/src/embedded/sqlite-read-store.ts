import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { applyMergedDocOp, mergeDocOps, type DocFields, type MergedDocOp } from '../doc-ops';
import type { Doc, DocOp, FindQuery, ProjectionDefinition, ReadStore } from '../read-store.port';
import { buildFind } from './sqlite-find';
import { checkName, deferredWritesTableName, tableName } from './sqlite-names';
import { createCollection, createIndexes, dropCollection, migrate, sortingForIndexes } from './sqlite-schema';

export type SqliteReadStoreOptions = {
  /** Path of the database file (its directory is created), or ':memory:'. */
  file: string;
  /** How long to wait for another connection's write lock. Default 5000. */
  busyTimeoutMs?: number;
  /** This connection's page cache. Default 32 (see open); threads sharing a rebuild take less each. */
  pageCacheMiB?: number;
};

type DocRow = { id: string; doc: string };
/** A document written by a batch: remember it (or forget it, when null: an insert that may have kept another). */
type DocWrite = [known: Map<string, DocFields>, id: string, doc: DocFields | null];
type DocStatements = {
  /** Without an id index (a filling generation) these simply append. */
  insertIfAbsent: Database.Statement<[string, string]>;
  /** The same for INSERT_ROWS documents at once: [id, doc, id, doc, ...]. */
  insertRowsIfAbsent: Database.Statement<string[]>;
  select: Database.Statement<[string], string>;
  upsert: Database.Statement<[string, string]>;
};
type CheckpointRow = { position: string | null };
type GenerationRow = { generation: number };

const FIRST_GENERATION = 1;
/**
 * Documents inserted per statement when a batch only creates them (a rebuild writes hundreds of
 * thousands so): one call into SQLite per 64 rows instead of per row, 15-30 % less time writing.
 */
const INSERT_ROWS = 64;
/** Deferred writes read back per statement when a generation stops filling (each page in memory at once). */
const DEFERRED_PAGE = 1_000;
/**
 * Documents the writer remembers as it last wrote them; past this many it forgets them all. About
 * a kilobyte each once parsed (30 MB of the server's peak RSS for the bench's 30,000).
 */
const DOC_CACHE_LIMIT = 50_000;

/**
 * The embedded ReadStore: one SQLite table per collection per generation, documents as JSON text,
 * indexes as expression indexes on json_extract. Each applyBatch is one IMMEDIATE transaction that
 * checks and moves the checkpoint with the documents, so a crash neither loses nor repeats an event.
 */
export class SqliteReadStore implements ReadStore {
  private readonly definitions = new Map<string, ProjectionDefinition>();
  private readonly owners = new Map<string, string>();
  private readonly statements = new Map<string, Database.Statement>();
  /**
   * The documents this store wrote, parsed, per table: a projector writing the same wallet or
   * creator document batch after batch then skips reading and parsing it each time (about 10 % of
   * the projector thread's CPU per gift, bench/ANALYSIS.md). Only valid while this store is the only
   * writer of the table: it is dropped when a checkpoint moved without it (another writer) and on
   * every generation change.
   */
  private readonly written = new Map<string, Map<string, DocFields>>();
  /** The checkpoint this store last wrote, per projection and generation (see `written`). */
  private readonly ownCheckpoints = new Map<string, string>();
  private closed = false;

  private constructor(private readonly db: Database.Database) {}

  static open(options: SqliteReadStoreOptions): SqliteReadStore {
    const pageCacheMiB = options.pageCacheMiB ?? 32;
    if (!Number.isFinite(pageCacheMiB) || pageCacheMiB <= 0) throw new RangeError(`pageCacheMiB must be a number > 0, got ${pageCacheMiB}`);
    if (options.file !== ':memory:') mkdirSync(dirname(resolve(options.file)), { recursive: true });
    const db = new Database(options.file);
    db.pragma('journal_mode = WAL');
    // Read models are derived data and every batch commits with its checkpoint: after a power loss
    // WAL with NORMAL may lose the last batches but never tears one, so they are simply projected
    // again. (The event store is the one that must be FULL: it acknowledges commands.)
    db.pragma('synchronous = NORMAL');
    // 32 MiB of page cache (SQLite's default is 2 MiB, and it grows only as pages are used): a
    // rebuild rewrites aggregate documents spread over the whole file once per window, and with the
    // default cache every such page was read back from the OS first (a million-event rebuild spent
    // about twice the system time; bench/ANALYSIS.md).
    db.pragma(`cache_size = -${Math.round(pageCacheMiB * 1024)}`);
    db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
    migrate(db);
    return new SqliteReadStore(db);
  }

  async init(projections: readonly ProjectionDefinition[]): Promise<void> {
    for (const projection of projections) {
      for (const collection of projection.collections) {
        checkName('collection', collection.name);
        const owner = this.owners.get(collection.name);
        if (owner !== undefined && owner !== projection.name) {
          throw new RangeError(`collection ${collection.name} belongs to ${owner}, not ${projection.name}`);
        }
      }
    }
    this.db.transaction(() => {
      for (const projection of projections) {
        this.register(projection);
        this.run('INSERT OR IGNORE INTO active_generations (projection, generation) VALUES (?, ?)', projection.name, FIRST_GENERATION);
        const generation = this.activeGenerationNow(projection.name);
        this.run(
          'INSERT OR IGNORE INTO projection_checkpoints (projection, generation, position) VALUES (?, ?, NULL)',
          projection.name,
          generation,
        );
        for (const collection of projection.collections) createCollection(this.db, collection, generation);
      }
    }).immediate();
  }

  async activeGeneration(projection: string): Promise<number> {
    return this.activeGenerationNow(projection);
  }

  async checkpoint(projection: string, generation?: number): Promise<bigint | null> {
    return this.db.transaction(() => {
      const row = this.checkpointRow(projection, generation ?? this.activeGenerationOrNull(projection));
      return row?.position == null ? null : BigInt(row.position);
    })();
  }

  async applyBatch(projection: string, ops: readonly DocOp[], position: bigint, generation?: number): Promise<boolean> {
    this.checkCollections(projection, ops);
    return this.writeMerged(projection, mergeDocOps(ops), position, generation);
  }

  async applyMergedBatch(projection: string, merged: readonly MergedDocOp[], position: bigint, generation?: number): Promise<boolean> {
    this.checkCollections(projection, merged);
    return this.writeMerged(projection, merged, position, generation);
  }

  async applyMergedDocs(projection: string, merged: readonly MergedDocOp[], generation: number): Promise<void> {
    this.checkCollections(projection, merged);
    this.writeMerged(projection, merged, null, generation);
  }

  /**
   * One batch of merged documents and the checkpoint, in one transaction (collections already
   * checked); with no position, documents only, into a generation that is not active.
   */
  private writeMerged(projection: string, merged: readonly MergedDocOp[], position: bigint | null, generation?: number): boolean {
    let checkpointKey = '';
    const outcome = this.db
      .transaction((): DocWrite[] | false => {
        // Read inside the transaction, so no other process switches generations in between.
        const target = generation ?? this.activeGenerationNow(projection);
        checkpointKey = `${projection}\u0000${target}`;
        const row = this.checkpointRow(projection, target);
        if (!row) throw new RangeError(`generation ${target} of ${projection} does not exist`);
        const active = target === this.activeGenerationNow(projection);
        if (position === null) {
          if (active) throw new RangeError(`generation ${target} of ${projection} is the active one: its documents move with its checkpoint`);
        } else if (row.position !== null && position <= BigInt(row.position)) {
          return false;
        }
        // What this store remembers writing holds only if the checkpoint is still the one it wrote.
        const mine = this.ownCheckpoints.get(checkpointKey);
        if (mine !== undefined && mine !== row.position) this.forgetWritten();
        // Only the live projector's documents are remembered: a rebuild writes each of its own once.
        const remember = active && position !== null && mine === row.position;
        // A write with a checkpoint is where a filling generation's deferred writes are all applied
        // (so one that cannot apply fails here, and the rebuild starts over strictly); one without
        // only fills further.
        if (!active && position !== null) {
          for (const collection of this.definitionOf(projection).collections) this.stopFilling(collection.name, target);
        }
        const writes: DocWrite[] = [];
        const tables = new Map<string, { statements: DocStatements; known: Map<string, DocFields> | null; inserts: string[]; filling: boolean }>();
        for (const doc of merged) {
          let table = tables.get(doc.collection);
          if (!table) {
            const name = tableName(doc.collection, target);
            // A write with a checkpoint ended every filling above; only one without can still fill.
            const filling = !active && position === null && this.isFilling(doc.collection, target);
            table = { statements: this.docStatements(name), known: remember ? this.writtenDocs(name) : null, inserts: [], filling };
            tables.set(doc.collection, table);
          }
          const { statements, known, inserts } = table;
          if (table.filling) {
            if (doc.absentError) {
              // It cannot be created: it fails here, with the id index built, as it would have without deferring.
              this.stopFilling(doc.collection, target);
              table.filling = false;
            } else if (!doc.knownAbsent || doc.ifPresent) {
              // The store may hold it: its read waits for the id index, after the writes deferred before it.
              this.deferredWrite(doc.collection, target).run(doc.id, JSON.stringify([doc.ifAbsent, doc.ifPresent]));
              continue;
            }
          }
          if (!doc.ifPresent && !doc.absentError) {
            // Only inserts: nothing to read, an existing document simply stays (so what it holds is not known).
            // Merged ops are one per document (the port's promise), so inserting later in the transaction changes nothing.
            inserts.push(doc.id, JSON.stringify(doc.ifAbsent));
            if (inserts.length === 2 * INSERT_ROWS) {
              statements.insertRowsIfAbsent.run(...inserts);
              inserts.length = 0;
            }
            if (known) writes.push([known, doc.id, null]);
            continue;
          }
          const after = readApplyWrite(statements, doc, known?.get(doc.id) ?? null);
          if (known && after) writes.push([known, doc.id, after]);
        }
        for (const { statements, inserts } of tables.values()) {
          for (let at = 0; at < inserts.length; at += 2) statements.insertIfAbsent.run(inserts[at]!, inserts[at + 1]!);
        }
        if (position !== null) {
          this.run('UPDATE projection_checkpoints SET position = ? WHERE projection = ? AND generation = ?', position.toString(), projection, target);
        }
        return writes;
      })
      .immediate();
    if (outcome === false) return false;
    // Committed: from now on these are the documents as stored, and the checkpoint is ours.
    for (const [known, id, doc] of outcome) {
      if (doc === null) known.delete(id);
      else known.set(id, doc);
    }
    let remembered = 0;
    for (const docs of this.written.values()) remembered += docs.size;
    if (remembered > DOC_CACHE_LIMIT) this.forgetWritten();
    if (position !== null) this.ownCheckpoints.set(checkpointKey, position.toString());
    return true;
  }

  /** True while a rebuild fills the collection's generation: no id index yet, writes that read deferred. */
  private isFilling(collection: string, generation: number): boolean {
    return this.statement("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(deferredWritesTableName(collection, generation)) !== undefined;
  }

  private deferredWrite(collection: string, generation: number): Database.Statement<[string, string]> {
    return this.statement(`INSERT INTO "${deferredWritesTableName(collection, generation)}" (id, merged) VALUES (?, ?)`) as Database.Statement<[string, string]>;
  }

  /**
   * Ends the filling of a collection's generation (inside the caller's transaction): builds its
   * unique id index, applies the deferred writes in the order they came and drops their table.
   * Applied after every insert of the filling, they leave what writing them in turn would have: a
   * document known absent is never deferred, and once deferred, every later write of it is too.
   */
  private stopFilling(collection: string, generation: number): void {
    if (!this.isFilling(collection, generation)) return;
    const table = tableName(collection, generation);
    const deferred = deferredWritesTableName(collection, generation);
    sortingForIndexes(this.db, () => this.db.exec(`CREATE UNIQUE INDEX "${table}_id" ON "${table}" (id)`));
    const statements = this.docStatements(table);
    const page = this.statement(`SELECT seq, id, merged FROM "${deferred}" WHERE seq > ? ORDER BY seq LIMIT ${DEFERRED_PAGE}`);
    for (let after = 0; ; ) {
      const rows = page.all(after) as Array<{ seq: number; id: string; merged: string }>;
      for (const row of rows) {
        const [ifAbsent, ifPresent] = JSON.parse(row.merged) as [DocFields, MergedDocOp['ifPresent']];
        readApplyWrite(statements, { collection, id: row.id, ifAbsent, absentError: null, ifPresent }, null);
      }
      if (rows.length < DEFERRED_PAGE) break;
      after = rows[rows.length - 1]!.seq;
    }
    this.forgetStatements(deferred);
    this.db.exec(`DROP TABLE "${deferred}"`);
  }

  /** The documents remembered for a table (see `written`). */
  private writtenDocs(table: string): Map<string, DocFields> {
    let docs = this.written.get(table);
    if (!docs) {
      docs = new Map();
      this.written.set(table, docs);
    }
    return docs;
  }

  /** Forgets every document remembered, and every checkpoint this store wrote. */
  private forgetWritten(): void {
    this.written.clear();
    this.ownCheckpoints.clear();
  }

  async prepareGeneration(projection: string, generation: number): Promise<void> {
    const definition = this.definitionOf(projection);
    if (!Number.isSafeInteger(generation) || generation < FIRST_GENERATION) throw new RangeError(`bad generation ${generation}`);
    this.db.transaction(() => {
      if (generation === this.activeGenerationNow(projection)) {
        throw new RangeError(`generation ${generation} of ${projection} is the active one`);
      }
      this.dropGeneration(definition, generation);
      // No indexes yet, not even on the id: a rebuild fills the tables several times faster without
      // them, and building each index once from the filled table is a sort (stopFilling,
      // indexGeneration, activation).
      for (const collection of definition.collections) createCollection(this.db, collection, generation, true);
      this.run(
        'INSERT INTO projection_checkpoints (projection, generation, position) VALUES (?, ?, NULL)',
        projection,
        generation,
      );
    }).immediate();
  }

  async indexGeneration(projection: string, generation: number): Promise<void> {
    const definition = this.definitionOf(projection);
    this.db.transaction(() => this.indexPrepared(definition, generation)).immediate();
  }

  async activateGeneration(projection: string, generation: number): Promise<void> {
    const definition = this.definitionOf(projection);
    this.db.transaction(() => {
      // Reads must never meet a generation without its indexes (a no-op after indexGeneration).
      this.indexPrepared(definition, generation);
      this.run('UPDATE active_generations SET generation = ? WHERE projection = ?', generation, projection);
      this.forgetWritten();
      const older = this.statement('SELECT generation FROM projection_checkpoints WHERE projection = ? AND generation < ?')
        .all(projection, generation) as GenerationRow[];
      for (const { generation: old } of older) this.dropGeneration(definition, old);
    }).immediate();
  }

  async get(collection: string, id: string): Promise<Doc | null> {
    return this.db.transaction(() => {
      const table = this.activeTable(collection);
      const found = this.statement(`SELECT doc FROM "${table}" WHERE id = ?`).pluck().get(id) as string | undefined;
      return found === undefined ? null : toDoc({ id, doc: found });
    })();
  }

  async find(collection: string, query: FindQuery): Promise<Doc[]> {
    return this.db.transaction(() => {
      const { sql, params } = buildFind(this.activeTable(collection), query);
      return (this.statement(sql).all(...params) as DocRow[]).map(toDoc);
    })();
  }

  async ping(): Promise<void> {
    if (this.closed) throw new Error('read store is closed');
    this.db.prepare('SELECT 1').get();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.statements.clear();
    this.db.close();
  }

  private register(projection: ProjectionDefinition): void {
    const known = this.definitions.get(projection.name);
    // A projection registered twice (the runtime, then the runner) keeps the union of its collections.
    const collections = [...(known?.collections ?? [])];
    for (const collection of projection.collections) {
      const at = collections.findIndex((c) => c.name === collection.name);
      if (at >= 0) collections[at] = collection;
      else collections.push(collection);
      this.owners.set(collection.name, projection.name);
    }
    this.definitions.set(projection.name, { name: projection.name, collections });
  }

  /** Builds the missing indexes of a generation that prepareGeneration (or init) created. */
  private indexPrepared(definition: ProjectionDefinition, generation: number): void {
    if (!this.checkpointRow(definition.name, generation)) {
      throw new RangeError(`generation ${generation} of ${definition.name} was never prepared`);
    }
    for (const collection of definition.collections) {
      this.stopFilling(collection.name, generation);
      createIndexes(this.db, collection, generation);
    }
  }

  private checkCollections(projection: string, writes: readonly { collection: string }[]): void {
    const collections = new Set(this.definitionOf(projection).collections.map((c) => c.name));
    for (const write of writes) {
      if (!collections.has(write.collection)) throw new RangeError(`collection ${write.collection} is not one of ${projection}'s`);
    }
  }

  private definitionOf(projection: string): ProjectionDefinition {
    const definition = this.definitions.get(projection);
    if (!definition) throw new RangeError(`projection ${projection} was not registered with init`);
    return definition;
  }

  private activeTable(collection: string): string {
    const owner = this.owners.get(collection);
    if (owner === undefined) throw new RangeError(`collection ${collection} was not registered with init`);
    return tableName(collection, this.activeGenerationNow(owner));
  }

  private activeGenerationOrNull(projection: string): number | null {
    const row = this.statement('SELECT generation FROM active_generations WHERE projection = ?').get(projection) as
      | GenerationRow
      | undefined;
    return row?.generation ?? null;
  }

  private activeGenerationNow(projection: string): number {
    const generation = this.activeGenerationOrNull(projection);
    if (generation === null) throw new RangeError(`projection ${projection} was not registered with init`);
    return generation;
  }

  private checkpointRow(projection: string, generation: number | null): CheckpointRow | undefined {
    if (generation === null) return undefined;
    return this.statement('SELECT position FROM projection_checkpoints WHERE projection = ? AND generation = ?').get(
      projection,
      generation,
    ) as CheckpointRow | undefined;
  }

  private dropGeneration(definition: ProjectionDefinition, generation: number): void {
    this.forgetWritten();
    for (const collection of definition.collections) {
      this.forgetStatements(tableName(collection.name, generation));
      this.forgetStatements(deferredWritesTableName(collection.name, generation));
      dropCollection(this.db, collection.name, generation);
    }
    this.run('DELETE FROM projection_checkpoints WHERE projection = ? AND generation = ?', definition.name, generation);
  }

  /** Drops the prepared statements on a table that is going away. */
  private forgetStatements(table: string): void {
    for (const sql of [...this.statements.keys()]) if (sql.includes(`"${table}"`)) this.statements.delete(sql);
  }

  private statement(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  /**
   * The statements a batch runs per document of a table (prepared once, dropped with the table).
   * The two that need the id index are prepared when first used: a filling table has none.
   */
  private docStatements(table: string): DocStatements {
    const prepare = <S>(make: () => S): (() => S) => {
      let prepared: S | undefined;
      return () => (prepared ??= make());
    };
    const select = prepare(() => this.statement(`SELECT doc FROM "${table}" WHERE id = ?`).pluck() as Database.Statement<[string], string>);
    const upsert = prepare(
      () => this.statement(`INSERT INTO "${table}" (id, doc) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET doc = excluded.doc`) as Database.Statement<[string, string]>,
    );
    return {
      insertIfAbsent: this.statement(`INSERT OR IGNORE INTO "${table}" (id, doc) VALUES (?, ?)`) as Database.Statement<[string, string]>,
      insertRowsIfAbsent: this.statement(`INSERT OR IGNORE INTO "${table}" (id, doc) VALUES ${Array(INSERT_ROWS).fill('(?, ?)').join(', ')}`) as Database.Statement<
        string[]
      >,
      get select() {
        return select();
      },
      get upsert() {
        return upsert();
      },
    };
  }

  private run(sql: string, ...params: (string | number | null)[]): void {
    this.statement(sql).run(...params);
  }
}

/**
 * Writes a merged document that the store may hold: reads it (unless `known`, as this store last
 * wrote it), applies the merge and writes the result. Returns it, or null when nothing was written
 * (the document exists and the merge only creates).
 */
function readApplyWrite(statements: DocStatements, doc: MergedDocOp, known: DocFields | null): DocFields | null {
  let before = known;
  if (before === null) {
    const found = statements.select.get(doc.id);
    before = found === undefined ? null : (JSON.parse(found) as DocFields);
  }
  if (before && !doc.ifPresent) return null;
  const after = applyMergedDocOp(before, doc);
  statements.upsert.run(doc.id, JSON.stringify(after));
  return after;
}

function toDoc(row: DocRow): Doc {
  return { _id: row.id, ...(JSON.parse(row.doc) as DocFields) };
}
