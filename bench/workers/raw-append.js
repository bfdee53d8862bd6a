'use strict';
/**
 * Baseline: raw better-sqlite3, WAL with synchronous=FULL, one event per transaction (one fsync
 * each), the same JSON a gift appends. This is the durable-commit ceiling of this disk.
 */
const { mkdirSync } = require('node:fs');
const Database = require('better-sqlite3');
const { giftSent } = require('../lib/economy');

function main() {
  const { dataDir, wallets, warmup, commands } = JSON.parse(process.argv[2]);
  mkdirSync(dataDir, { recursive: true });
  const db = new Database(`${dataDir}/raw.db`);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec(`CREATE TABLE events (position INTEGER PRIMARY KEY AUTOINCREMENT, stream_name TEXT NOT NULL, revision INTEGER NOT NULL,
    event_id TEXT NOT NULL UNIQUE, type TEXT NOT NULL, data TEXT NOT NULL, metadata TEXT NOT NULL, recorded_at INTEGER NOT NULL)`);
  const insert = db.prepare('INSERT INTO events (stream_name, revision, event_id, type, data, metadata, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)');
  const revisions = new Int32Array(wallets);
  const append = (n) => {
    const w = n % wallets;
    const e = giftSent(`user-${w}`, `creator-${w % 100}`, new Date().toISOString());
    insert.run(`wallet-user-${w}`, revisions[w]++, e.eventId, e.type, JSON.stringify(e.data), JSON.stringify(e.metadata), Date.now());
  };
  for (let n = 0; n < warmup; n++) append(n);
  const started = process.hrtime.bigint();
  for (let n = 0; n < commands; n++) append(n);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const synchronous = db.pragma('synchronous', { simple: true });
  db.close();
  console.log(JSON.stringify({ commandsPerSec: commands / seconds, seconds, synchronous }));
}

main();
