'use strict';
/** Baseline: raw better-sqlite3 reading every event in position order and JSON.parse-ing data and metadata. */
const Database = require('better-sqlite3');

function main() {
  const { eventsFile } = JSON.parse(process.argv[2]);
  const db = new Database(eventsFile, { readonly: true });
  const rows = db.prepare('SELECT position, stream_name, revision, event_id, type, data, metadata, recorded_at FROM events ORDER BY position').raw(true);
  const started = process.hrtime.bigint();
  let events = 0;
  let coins = 0;
  for (const row of rows.iterate()) {
    const data = JSON.parse(row[5]);
    const meta = JSON.parse(row[6]);
    // Use what was parsed, so the work cannot be optimised away.
    if (meta.schemaVersion === 1 && typeof data.coins === 'number') coins += data.coins;
    events += 1;
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  db.close();
  console.log(JSON.stringify({ eventsPerSec: events / seconds, events, seconds, coins, peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024) }));
}

main();
