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
  const existing = new Set(db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ?").pluck().all(table) as string[]);
  const missing = collection.indexes.flatMap((index, n) => {
    if (existing.has(`${table}_ix${n}`)) return [];
    const keys = index.fields.map(([field, dir]) => `${fieldExpression(field)} ${dir === 1 ? 'ASC' : 'DESC'}`);
    return [`CREATE INDEX IF NOT EXISTS "${table}_ix${n}" ON "${table}" (${keys.join(', ')})`];
  });
  if (missing.length > 0) sortingForIndexes(db, () => missing.forEach((sql) => db.exec(sql)));
}

/** The page cache while an index is built, in KiB (set as `cache_size = -KiB`): SQLite's sort runs are this size. */
export const INDEX_SORT_CACHE_KIB = 2048;

/**
 * Runs `build`, whose CREATE INDEX statements each sort a whole table, with one helper thread for
 * the sort (PRAGMA threads) and a page cache of INDEX_SORT_CACHE_KIB, then puts both back. SQLite
 * sizes a sort's in-memory runs by the page cache; runs of 2 MiB stay in the CPU's caches and sort
 * faster than a rebuild thread's 8 MiB ones, and use less memory (a rebuild's 427,157 creator supporters,
 * both indexes: about 1.25 s before, 0.8 s with both settings, 1.0 s with the small runs alone;
 * bench/ANALYSIS.md). The helper needs a core that is free, as the last rebuild thread has.
 */
export function sortingForIndexes(db: Database.Database, build: () => void): void {
  const cacheSize = db.pragma('cache_size', { simple: true }) as number;
  const threads = db.pragma('threads', { simple: true }) as number;
  db.pragma('threads = 1');
  db.pragma(`cache_size = -${INDEX_SORT_CACHE_KIB}`);
  try {
    build();
  } finally {
    db.pragma(`cache_size = ${cacheSize}`);
    db.pragma(`threads = ${threads}`);
  }
}

export function dropCollection(db: Database.Database, collection: string, generation: number): void {
  db.exec(`DROP TABLE IF EXISTS "${tableName(collection, generation)}"`);
  db.exec(`DROP TABLE IF EXISTS "${deferredWritesTableName(collection, generation)}"`);
}
