import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { DocOpError, DocOpMerger } from '../../libs/read-models/src/doc-ops';
import { SqliteReadStore } from '../../libs/read-models/src/embedded/sqlite-read-store';
import { INDEX_SORT_CACHE_KIB, sortingForIndexes } from '../../libs/read-models/src/embedded/sqlite-schema';
import type { DocOp, ProjectionDefinition } from '../../libs/read-models/src/read-store.port';
import { readStoreContract } from './read-store.contract';

readStoreContract('embedded (SQLite)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'coinstream-read-store-'));
  const store = SqliteReadStore.open({ file: join(dir, 'read-models.db') });
  return {
    store,
    close: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

describe('embedded read store: indexes of a rebuilt generation', () => {
  it('fills the generation without its secondary indexes and has them before reads can reach it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'coinstream-read-store-'));
    const file = join(dir, 'read-models.db');
    const store = SqliteReadStore.open({ file });
    const indexNames = (): string[] => {
      const db = new Database(file, { readonly: true });
      try {
        return db.prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'rm_docs_g%_ix%' ORDER BY name`).pluck().all() as string[];
      } finally {
        db.close();
      }
    };
    try {
      const projection: ProjectionDefinition = { name: 'p', collections: [{ name: 'docs', indexes: [{ fields: [['group', 1]] }] }] };
      await store.init([projection]);
      expect(indexNames()).toEqual(['rm_docs_g1_ix0']);
      await store.prepareGeneration('p', 2);
      expect(indexNames()).toEqual(['rm_docs_g1_ix0']);
      await store.activateGeneration('p', 2);
      expect(indexNames()).toEqual(['rm_docs_g2_ix0']);
      await store.prepareGeneration('p', 3);
      await store.indexGeneration('p', 3);
      expect(indexNames()).toEqual(['rm_docs_g2_ix0', 'rm_docs_g3_ix0']);
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('embedded read store: the settings its index builds sort with', () => {
  const settings = (db: Database.Database) => ({ cacheSize: db.pragma('cache_size', { simple: true }), threads: db.pragma('threads', { simple: true }) });

  it('builds with one helper thread and small sort runs, then gives the connection its own settings back', () => {
    const db = new Database(':memory:');
    try {
      db.pragma('cache_size = -8192');
      db.exec('CREATE TABLE t (id TEXT NOT NULL)');
      db.exec("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000) INSERT INTO t (id) SELECT printf('d%06d', i) FROM n");
      let during: ReturnType<typeof settings> | undefined;
      sortingForIndexes(db, () => {
        during = settings(db);
        db.exec('CREATE UNIQUE INDEX t_id ON t (id)');
      });
      expect(during).toEqual({ cacheSize: -INDEX_SORT_CACHE_KIB, threads: 1 });
      expect(settings(db)).toEqual({ cacheSize: -8192, threads: 0 });
      expect(db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 't_id'").pluck().get()).toBe(1);
    } finally {
      db.close();
    }
  });

  it('gives the settings back when a build fails, and the failure reaches the caller', () => {
    const db = new Database(':memory:');
    try {
      db.pragma('cache_size = -4096');
      db.exec("CREATE TABLE t (id TEXT NOT NULL); INSERT INTO t (id) VALUES ('same'), ('same')");
      expect(() => sortingForIndexes(db, () => db.exec('CREATE UNIQUE INDEX t_id ON t (id)'))).toThrow(/UNIQUE/);
      expect(settings(db)).toEqual({ cacheSize: -4096, threads: 0 });
    } finally {
      db.close();
    }
  });
});

describe('embedded read store: documents it remembers writing', () => {
  const projection: ProjectionDefinition = { name: 'p', collections: [{ name: 'counters', indexes: [] }] };
  const inc = (by: number) => [{ kind: 'upsert' as const, collection: 'counters', id: 'x', inc: { n: by } }];

  it('reads a document back from the file once another writer moved the checkpoint', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'coinstream-read-store-'));
    const file = join(dir, 'read-models.db');
    const mine = SqliteReadStore.open({ file });
    const other = SqliteReadStore.open({ file });
    try {
      await mine.init([projection]);
      await other.init([projection]);
      await mine.applyBatch('p', inc(1), 1n);
      await mine.applyBatch('p', inc(1), 2n);
      // Another process (a misconfigured second projector) writes the same document.
      await other.applyBatch('p', inc(10), 3n);

      await mine.applyBatch('p', inc(1), 4n);

      expect(await other.get('counters', 'x')).toEqual({ _id: 'x', n: 13 });
    } finally {
      await mine.close();
      await other.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('skips reading a document it wrote itself in the batch before, and writes the same as reading it would', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'coinstream-read-store-'));
    const store = SqliteReadStore.open({ file: join(dir, 'read-models.db') });
    const reads = jest.spyOn(JSON, 'parse');
    try {
      await store.init([projection]);
      for (let position = 1n; position <= 5n; position++) await store.applyBatch('p', inc(2), position);
      const parsedWhileWriting = reads.mock.calls.length;

      expect(await store.get('counters', 'x')).toEqual({ _id: 'x', n: 10 });
      // At most the first two batches read it from the file (before the store knew the checkpoint was its own).
      expect(parsedWhileWriting).toBeLessThanOrEqual(2);
    } finally {
      reads.mockRestore();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('embedded read store: a rebuilt generation fills without its id index', () => {
  const projection: ProjectionDefinition = { name: 'p', collections: [{ name: 'docs', indexes: [] }] };
  const upsert = (id: string, fields: Omit<Extract<DocOp, { kind: 'upsert' }>, 'kind' | 'collection' | 'id'>): DocOp => ({ kind: 'upsert', collection: 'docs', id, ...fields });
  let dir: string;
  let file: string;
  let store: SqliteReadStore;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'coinstream-read-store-'));
    file = join(dir, 'read-models.db');
    store = SqliteReadStore.open({ file });
    await store.init([projection]);
    await store.prepareGeneration('p', 2);
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Generation 2's table: its indexes, whether its deferred writes wait, and its rows per id. */
  function generationTwo(): { indexes: string[]; deferring: boolean; rowsPerId: Record<string, number> } {
    const db = new Database(file, { readonly: true });
    try {
      const indexes = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'rm_docs_g2' ORDER BY name`).pluck().all() as string[];
      const deferring = db.prepare(`SELECT 1 FROM sqlite_master WHERE name = 'rm_docs_g2_deferred'`).get() !== undefined;
      const rows = db.prepare('SELECT id, count(*) AS n FROM rm_docs_g2 GROUP BY id').all() as { id: string; n: number }[];
      return { indexes, deferring, rowsPerId: Object.fromEntries(rows.map((row) => [row.id, row.n])) };
    } finally {
      db.close();
    }
  }

  it('appends documents it knows absent, defers those it may hold, and applies them in order with the id index at the next checkpoint', async () => {
    const merger = new DocOpMerger({ storeEmpty: true });
    merger.addAll([upsert('a', { setOnInsert: { origin: 1 }, inc: { n: 1 } }), { kind: 'insert', collection: 'docs', id: 'kept', doc: { v: 1 } }]);
    await store.applyMergedDocs('p', merger.drain(), 2);
    // Both come back: 'a' twice (its set last wins), 'kept' as an insert that must not make a second row.
    merger.add(upsert('a', { set: { label: 'first' }, inc: { n: 10 } }));
    merger.add({ kind: 'insert', collection: 'docs', id: 'kept', doc: { v: 2 } });
    await store.applyMergedDocs('p', merger.drain(), 2);
    merger.add(upsert('a', { set: { label: 'second' }, inc: { n: 100 } }));
    await store.applyMergedDocs('p', merger.drain(), 2);

    expect(generationTwo()).toEqual({ indexes: [], deferring: true, rowsPerId: { a: 1, kept: 1 } });

    expect(await store.applyMergedBatch('p', [], 9n, 2)).toBe(true);
    expect(generationTwo()).toEqual({ indexes: ['rm_docs_g2_id'], deferring: false, rowsPerId: { a: 1, kept: 1 } });
    await store.activateGeneration('p', 2);
    expect(await store.get('docs', 'a')).toEqual({ _id: 'a', origin: 1, label: 'second', n: 111 });
    expect(await store.get('docs', 'kept')).toEqual({ _id: 'kept', v: 1 });
  });

  it('defers a document marked known absent that would still change an existing one', async () => {
    await store.applyMergedDocs('p', [{ collection: 'docs', id: 'a', ifAbsent: { n: 1 }, absentError: null, ifPresent: null, knownAbsent: true }], 2);
    await store.applyMergedDocs('p', [{ collection: 'docs', id: 'a', ifAbsent: { n: 5 }, absentError: null, ifPresent: { set: {}, inc: { n: 5 } }, knownAbsent: true }], 2);
    expect(generationTwo()).toEqual({ indexes: [], deferring: true, rowsPerId: { a: 1 } });
    await store.activateGeneration('p', 2);
    expect(await store.get('docs', 'a')).toEqual({ _id: 'a', n: 6 });
  });

  it('builds the id index when indexed or activated with nothing written, and the table then upserts as a keyed one', async () => {
    await store.indexGeneration('p', 2);
    expect(generationTwo()).toEqual({ indexes: ['rm_docs_g2_id'], deferring: false, rowsPerId: {} });
    await store.activateGeneration('p', 2);
    await store.applyBatch('p', [upsert('a', { inc: { n: 1 } })], 1n);
    await store.applyBatch('p', [upsert('a', { inc: { n: 2 } })], 2n);
    expect(await store.get('docs', 'a')).toEqual({ _id: 'a', n: 3 });
    expect(generationTwo().rowsPerId).toEqual({ a: 1 });
  });

  it('a deferred write that cannot apply fails the next write with a checkpoint, which then writes nothing', async () => {
    const merger = new DocOpMerger({ storeEmpty: true });
    merger.add(upsert('x', { set: { label: 'text' } }));
    await store.applyMergedDocs('p', merger.drain(), 2);
    merger.add(upsert('x', { inc: { label: 1 } }));
    await store.applyMergedDocs('p', merger.drain(), 2);

    await expect(store.applyMergedBatch('p', [], 5n, 2)).rejects.toThrow(DocOpError);
    expect(await store.checkpoint('p', 2)).toBeNull();
    expect(generationTwo()).toEqual({ indexes: [], deferring: true, rowsPerId: { x: 1 } });
  });

  it('a document that cannot be created fails the write that brings it, as it would with the id index', async () => {
    const merger = new DocOpMerger({ storeEmpty: true });
    merger.addAll([upsert('y', { setOnInsert: { n: 'text' }, inc: { n: 1 } }), upsert('z', { inc: { n: 1 } })]);
    await expect(store.applyMergedDocs('p', merger.drain(), 2)).rejects.toThrow(DocOpError);
    expect(generationTwo()).toEqual({ indexes: [], deferring: true, rowsPerId: {} });
  });
});
