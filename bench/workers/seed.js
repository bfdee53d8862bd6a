'use strict';
/**
 * Prepares a fresh DATA_DIR for the server: funded wallets and registered creators appended through
 * the runtime's own event store (faster than 10,000 signed webhooks, same events), optionally one
 * wallet with a long history for the audit workload; then waits until the read models caught up.
 */
const { dist, serverEnv, coinsPurchased, giftSent, creatorRegistered, silentLogger } = require('../lib/economy');
const { setTimeout } = require('node:timers');

const { loadConfig } = dist('libs/runtime/src/config');
const { EconomyRuntime } = dist('libs/runtime/src/economy-runtime');

async function main() {
  const { dataDir, wallets, creators, auditWallet } = JSON.parse(process.argv[2]);
  const runtime = await EconomyRuntime.open(loadConfig(serverEnv(dataDir)), silentLogger, { runProjector: true });
  const store = runtime.eventStore;
  const at = new Date().toISOString();
  const appends = [];
  for (let c = 0; c < creators; c++) {
    appends.push(store.appendToStream(`creator-creator-${c}`, [creatorRegistered(`creator-${c}`, at)], { expectedRevision: 'no_stream' }));
  }
  for (let w = 0; w < wallets; w++) {
    appends.push(store.appendToStream(`wallet-user-${w}`, [coinsPurchased(`user-${w}`, at)], { expectedRevision: 'no_stream' }));
  }
  await Promise.all(appends);

  let audit;
  if (auditWallet) audit = await seedAuditWallet(store, auditWallet.userId, auditWallet.events);

  await caughtUp(runtime);
  const settings = store.storageSettings();
  await runtime.close();
  console.log(JSON.stringify({ head: String(await headOf(dataDir)), settings, audit }));
}

/** One purchase then gifts, appended in small batches so recordedAt spreads over the history. */
async function seedAuditWallet(store, userId, events) {
  const stream = `wallet-${userId}`;
  let revision = (await store.appendToStream(stream, [coinsPurchased(userId, new Date().toISOString())], { expectedRevision: 'no_stream' }))
    .nextExpectedRevision;
  const chunk = 25;
  for (let written = 1; written < events; written += chunk) {
    const n = Math.min(chunk, events - written);
    const at = new Date().toISOString();
    const batch = Array.from({ length: n }, () => giftSent(userId, 'creator-0', at));
    revision = (await store.appendToStream(stream, batch, { expectedRevision: revision })).nextExpectedRevision;
  }
  const middle = (await store.readStream(stream, { fromRevision: BigInt(Math.floor(events / 2)), maxCount: 1 }))[0];
  return { userId, events: Number(revision) + 1, at: middle.recordedAt.toISOString(), middleRevision: String(middle.revision) };
}

async function caughtUp(runtime) {
  const deadline = Date.now() + 300_000;
  let quiet = 0;
  while (quiet < 2) {
    const rows = await runtime.projectionStatus();
    quiet = rows.every((r) => r.lag === '0') ? quiet + 1 : 0;
    if (Date.now() > deadline) throw new Error(`read models did not catch up: ${JSON.stringify(rows)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function headOf(dataDir) {
  const Database = require('better-sqlite3');
  const db = new Database(`${dataDir}/events.db`, { readonly: true });
  const head = db.prepare('SELECT MAX(position) FROM events').pluck().get();
  db.close();
  return head;
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
