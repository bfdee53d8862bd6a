'use strict';
/**
 * A floor under `rebuild`, not a peer: how long SQLite takes just to write the walletTransactions
 * rows a rebuild produced (one per wallet event) the cheapest way we know, the way a rebuild does:
 * into a generation prepared by SqliteReadStore (same table, no secondary index yet), 20,000 rows
 * per transaction with INSERT OR IGNORE, then its indexes built once (indexGeneration). Only those
 * two steps are timed; no projecting, no merging, no JSON.stringify. Any rebuild of these read
 * models pays at least this plus reading the events.
 */
const { rmSync } = require('node:fs');
const Database = require('better-sqlite3');
const { dist } = require('../lib/economy');

const { SqliteReadStore } = dist('libs/read-models/src/embedded/sqlite-read-store');
const { walletTransactionsProjection, WALLET_TRANSACTIONS } = dist('libs/read-models/src/projections/wallet-transactions.projection');
const { tableName } = dist('libs/read-models/src/embedded/sqlite-names');

const CHUNK = 20_000;

async function main() {
  const { readModelsFile, scratchFile } = JSON.parse(process.argv[2]);
  const source = new Database(readModelsFile, { readonly: true });
  const generation = source.prepare('SELECT generation FROM active_generations WHERE projection = ?').pluck().get(walletTransactionsProjection.name);
  const rows = source.prepare(`SELECT id, doc FROM "${tableName(WALLET_TRANSACTIONS, generation)}" ORDER BY rowid`).raw(true);

  for (const suffix of ['', '-wal', '-shm']) rmSync(`${scratchFile}${suffix}`, { force: true });
  const scratch = SqliteReadStore.open({ file: scratchFile });
  await scratch.init([walletTransactionsProjection]);
  await scratch.prepareGeneration(walletTransactionsProjection.name, 2);
  const db = new Database(scratchFile);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  const insert = db.prepare(`INSERT OR IGNORE INTO "${tableName(WALLET_TRANSACTIONS, 2)}" (id, doc) VALUES (?, ?)`);
  const write = db.transaction((chunk) => {
    for (const [id, doc] of chunk) insert.run(id, doc);
  });

  let written = 0;
  let nanos = 0n;
  let chunk = [];
  const flush = () => {
    const started = process.hrtime.bigint();
    write.immediate(chunk);
    nanos += process.hrtime.bigint() - started;
    written += chunk.length;
    chunk = [];
  };
  for (const row of rows.iterate()) {
    chunk.push(row);
    if (chunk.length === CHUNK) flush();
  }
  if (chunk.length > 0) flush();
  source.close();
  db.close();
  const indexing = process.hrtime.bigint();
  await scratch.indexGeneration(walletTransactionsProjection.name, 2);
  const indexSeconds = Number(process.hrtime.bigint() - indexing) / 1e9;
  nanos += process.hrtime.bigint() - indexing;
  await scratch.close();
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${scratchFile}${suffix}`, { force: true });
  console.log(JSON.stringify({ rows: written, writeSeconds: Number(nanos) / 1e9, indexSeconds }));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
