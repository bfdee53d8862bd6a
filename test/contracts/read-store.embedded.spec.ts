import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteReadStore } from '../../libs/read-models/src/embedded/sqlite-read-store';
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
