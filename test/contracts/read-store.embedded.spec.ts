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
