import type Database from 'better-sqlite3';
import type { CollectionDefinition } from '../read-store.port';
import { deferredWritesTableName, fieldExpression, tableName } from './sqlite-names';

/** The store's own tables: which generation each projection reads, and each generation's checkpoint. */
export function migrate(db: Database.Database): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS active_generations (
      projection TEXT PRIMARY KEY,
      generation INTEGER NOT NULL
    );
    CREATE TABLE IF NOT EXISTS projection_checkpoints (
      projection TEXT NOT NULL,
      generation INTEGER NOT NULL,
      position TEXT,
      PRIMARY KEY (projection, generation)
    );
  `);
}

/**
 * The collection's table with its declared indexes; or, for a rebuild's generation (`filling`), a
 * table without any index, not even on the id, and the table of its deferred writes. Each new
 * document of a rebuild then costs an append instead of an insert at a random place of the id
 * index; the id index is built once, unique, when the generation stops filling (SqliteReadStore).
 * Built so, the table is what `id TEXT PRIMARY KEY` makes (a rowid table and a unique index on id).
 */
export function createCollection(db: Database.Database, collection: CollectionDefinition, generation: number, filling = false): void {
  const table = tableName(collection.name, generation);
  if (filling) {
    db.exec(`CREATE TABLE IF NOT EXISTS "${table}" (id TEXT NOT NULL, doc TEXT NOT NULL)`);
    db.exec(`CREATE TABLE IF NOT EXISTS "${deferredWritesTableName(collection.name, generation)}" (seq INTEGER PRIMARY KEY, id TEXT NOT NULL, merged TEXT NOT NULL)`);
    return;
  }
  db.exec(`CREATE TABLE IF NOT EXISTS "${table}" (id TEXT PRIMARY KEY, doc TEXT NOT NULL)`);
  createIndexes(db, collection, generation);
}

/** The collection's declared indexes (those that exist already are left as they are). */
export function createIndexes(db: Database.Database, collection: CollectionDefinition, generation: number): void {
  const table = tableName(collection.name, generation);
  collection.indexes.forEach((index, n) => {
    const keys = index.fields.map(([field, dir]) => `${fieldExpression(field)} ${dir === 1 ? 'ASC' : 'DESC'}`);
    db.exec(`CREATE INDEX IF NOT EXISTS "${table}_ix${n}" ON "${table}" (${keys.join(', ')})`);
  });
}

export function dropCollection(db: Database.Database, collection: string, generation: number): void {
  db.exec(`DROP TABLE IF EXISTS "${tableName(collection, generation)}"`);
  db.exec(`DROP TABLE IF EXISTS "${deferredWritesTableName(collection, generation)}"`);
}
