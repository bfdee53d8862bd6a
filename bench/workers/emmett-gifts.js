'use strict';
/**
 * Peer: the same gift workload on Emmett's SQLite event store, the way Emmett's docs write a command
 * handler: CommandHandler folds the stream with our own wallet evolve, decides with our own
 * decide, and appends with the expected version (retried on conflict). Emmett opens WAL and keeps
 * SQLite's default synchronous (FULL unless compiled otherwise: reported below).
 */
const { randomUUID } = require('node:crypto');
const { mkdirSync } = require('node:fs');
const { CommandHandler } = require('@event-driven-io/emmett');
const { getSQLiteEventStore, sqliteConnection } = require('@event-driven-io/emmett-sqlite');
const { dist, coinsPurchased } = require('../lib/economy');

const { walletDecider, defaultCatalog } = dist('libs/domain/src');

async function main() {
  const { dataDir, wallets, inflight, warmup, commands } = JSON.parse(process.argv[2]);
  mkdirSync(dataDir, { recursive: true });
  const fileName = `${dataDir}/emmett.db`;
  // One store per lane: an Emmett SQLite store opens and closes its one connection around every
  // call, so concurrent calls on one instance close each other's handle (SQLITE_MISUSE).
  const stores = Array.from({ length: inflight }, () => getSQLiteEventStore({ fileName }));
  const model = walletDecider(defaultCatalog());
  const handle = CommandHandler({ evolve: model.evolve, initialState: model.initialState, retry: { onVersionConflict: 10 } });

  const at = new Date().toISOString();
  let errors = 0;
  await drive(async (w, lane) => {
    const e = coinsPurchased(`user-${w}`, at);
    await stores[lane].appendToStream(`wallet-user-${w}`, [{ type: e.type, data: e.data }]);
  }, wallets, inflight, wallets, () => errors++);

  const sendGift = (w, lane) => {
    const senderId = `user-${w}`;
    const key = randomUUID();
    const command = {
      type: 'SendGift',
      data: { giftTxnId: `gift-${key}`, senderId, creatorId: `creator-${w % 100}`, giftId: 'rose', quantity: 1, now: new Date().toISOString() },
    };
    return handle(stores[lane], `wallet-${senderId}`, (state) => model.decide(command, state));
  };
  await drive(sendGift, wallets, inflight, warmup, () => errors++);
  errors = 0;
  const started = process.hrtime.bigint();
  const done = await drive(sendGift, wallets, inflight, commands, () => errors++);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const connection = sqliteConnection({ fileName });
  const synchronous = (await connection.querySingle('PRAGMA synchronous')).synchronous;
  const journal = (await connection.querySingle('PRAGMA journal_mode')).journal_mode;
  connection.close();
  console.log(JSON.stringify({ commandsPerSec: done / seconds, seconds, errors, synchronous, journal }));
}

/** `inflight` lanes until `total` commands succeeded; a failed one (SQLITE_BUSY) is counted and retried, up to 100 times. */
async function drive(send, wallets, inflight, total, onError) {
  let issued = 0;
  let done = 0;
  const lane = async (_, index) => {
    while (issued < total) {
      const n = issued++;
      for (let attempt = 1; ; attempt++) {
        try {
          await send(n % wallets, index);
          break;
        } catch (error) {
          onError();
          if (attempt >= 100) throw error;
        }
      }
      done++;
    }
  };
  await Promise.all(Array.from({ length: inflight }, lane));
  return done;
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
