'use strict';
/**
 * Floors under `rebuild`, not peers: how long SQLite takes just to write the documents a rebuild
 * produced, the cheapest way we know and the way a rebuild does: into generations prepared by
 * SqliteReadStore (same tables, no index yet, not even on the id), 20,000 rows per transaction with
 * INSERT OR IGNORE, then their indexes built once (indexGeneration). Only those two steps are timed; no
 * projecting, no merging, no JSON.stringify: every final document of every read model, each written
 * once, into a fresh scratch file. Any rebuild of these read models pays at least that plus reading
 * the events.
 */
const { rmSync } = require('node:fs');
const Database = require('better-sqlite3');
const { dist } = require('../lib/economy');

const { SqliteReadStore } = dist('libs/read-models/src/embedded/sqlite-read-store');
const { allProjections } = dist('libs/read-models/src/projections');
const { tableName } = dist('libs/read-models/src/embedded/sqlite-names');

const CHUNK = 20_000;
const SCRATCH_GENERATION = 2;

function removeScratch(scratchFile) {
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${scratchFile}${suffix}`, { force: true });
}

/** Copies the final documents of `projections` from the rebuilt file into a fresh scratch file; seconds spent writing and indexing. */
async function copyOnce(readModelsFile, scratchFile, projections) {
  const source = new Database(readModelsFile, { readonly: true });
  removeScratch(scratchFile);
  const scratch = SqliteReadStore.open({ file: scratchFile });
  await scratch.init(projections);
  for (const projection of projections) await scratch.prepareGeneration(projection.name, SCRATCH_GENERATION);
  const db = new Database(scratchFile);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');

  let rows = 0;
  let nanos = 0n;
  for (const projection of projections) {
    const generation = source.prepare('SELECT generation FROM active_generations WHERE projection = ?').pluck().get(projection.name);
    for (const collection of projection.collections) {
      const read = source.prepare(`SELECT id, doc FROM "${tableName(collection.name, generation)}" ORDER BY rowid`).raw(true);
      const insert = db.prepare(`INSERT OR IGNORE INTO "${tableName(collection.name, SCRATCH_GENERATION)}" (id, doc) VALUES (?, ?)`);
      const write = db.transaction((chunk) => {
        for (const [id, doc] of chunk) insert.run(id, doc);
      });
      let chunk = [];
      const flush = () => {
        const started = process.hrtime.bigint();
        write.immediate(chunk);
        nanos += process.hrtime.bigint() - started;
        rows += chunk.length;
        chunk = [];
      };
      for (const row of read.iterate()) {
        chunk.push(row);
        if (chunk.length === CHUNK) flush();
      }
      if (chunk.length > 0) flush();
    }
  }
  source.close();
  db.close();
  const indexing = process.hrtime.bigint();
  for (const projection of projections) await scratch.indexGeneration(projection.name, SCRATCH_GENERATION);
  const indexSeconds = Number(process.hrtime.bigint() - indexing) / 1e9;
  nanos += process.hrtime.bigint() - indexing;
  await scratch.close();
  removeScratch(scratchFile);
  return { rows, writeSeconds: Number(nanos) / 1e9, indexSeconds };
}

async function main() {
  const { readModelsFile, scratchFile } = JSON.parse(process.argv[2]);
  const everyDocument = await copyOnce(readModelsFile, scratchFile, allProjections);
  console.log(JSON.stringify({ allRows: everyDocument.rows, allWriteSeconds: everyDocument.writeSeconds, allIndexSeconds: everyDocument.indexSeconds }));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
