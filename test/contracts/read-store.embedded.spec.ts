import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteReadStore } from '../../libs/read-models/src/embedded/sqlite-read-store';
import type { ProjectionDefinition } from '../../libs/read-models/src/read-store.port';
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
