'use strict';
/**
 * Ceiling, not a peer: what SQLite alone does with our event schema when `perCommit` appends share
 * one durable commit, as group commit makes them. The file is created by SqliteEventStore.open (same
 * tables, indexes and pragmas: WAL, synchronous=FULL), then raw better-sqlite3 runs exactly the
 * statements each append runs (the stream's last revision, the insert) with the JSON
 * a gift appends, `perCommit` per transaction. No deciding, no promises, no JSON of ours: the rate our
 * command side could reach if everything above SQLite cost nothing.
 */
const { mkdirSync } = require('node:fs');
const Database = require('better-sqlite3');
const { dist, giftSent } = require('../lib/economy');

const { SqliteEventStore } = dist('libs/event-store/src/embedded/sqlite-event-store');

async function main() {
  const { dataDir, wallets, warmup, commands, perCommit } = JSON.parse(process.argv[2]);
  mkdirSync(dataDir, { recursive: true });
  const file = `${dataDir}/events.db`;
  // Let the store create the file and say which pragmas it runs with, then reproduce them here.
  const store = SqliteEventStore.open({ file });
  const settings = store.storageSettings();
  await store.close();
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('cache_size = -65536');
  db.pragma('wal_autocheckpoint = 10000');
  const lastRevision = db.prepare('SELECT revision FROM events WHERE stream_name = ? ORDER BY revision DESC LIMIT 1').pluck();
  const insert = db.prepare('INSERT INTO events (stream_name, revision, event_id, type, data, metadata, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)');
  const append = (n) => {
    const w = n % wallets;
    const stream = `wallet-user-${w}`;
    const e = giftSent(`user-${w}`, `creator-${w % 100}`, new Date().toISOString());
    const current = lastRevision.get(stream);
    const revision = current === undefined ? 0 : current + 1;
    insert.run(stream, revision, e.eventId, e.type, JSON.stringify(e.data), JSON.stringify(e.metadata), Date.now());
  };
  const run = (from, count) => {
    for (let n = from; n < from + count; n += perCommit) {
      db.transaction(() => {
        for (let i = n; i < Math.min(n + perCommit, from + count); i++) append(i);
      }).immediate();
    }
  };
  run(0, warmup);
  const started = process.hrtime.bigint();
  run(warmup, commands);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const synchronous = db.pragma('synchronous', { simple: true });
  db.close();
  console.log(JSON.stringify({ commandsPerSec: commands / seconds, seconds, perCommit, synchronous, storeSettings: settings }));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
