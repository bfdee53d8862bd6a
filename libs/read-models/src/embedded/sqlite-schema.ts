import type Database from 'better-sqlite3';
import type { CollectionDefinition } from '../read-store.port';
import { fieldExpression, tableName } from './sqlite-names';

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

/** The collection's table; its declared indexes too unless `withIndexes` is false (a rebuild's generation). */
export function createCollection(db: Database.Database, collection: CollectionDefinition, generation: number, withIndexes = true): void {
  const table = tableName(collection.name, generation);
  db.exec(`CREATE TABLE IF NOT EXISTS "${table}" (id TEXT PRIMARY KEY, doc TEXT NOT NULL)`);
  if (withIndexes) createIndexes(db, collection, generation);
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
}
