'use strict';
/**
 * Ours, command side without HTTP: SendGift through the runtime's executor (load, decide, durable
 * append with the expected revision), `inflight` commands at once over `wallets` funded wallets,
 * appends committed on the append thread as `npm start` does (`appendThread`, default true).
 */
const { randomUUID } = require('node:crypto');
const { dist, serverEnv, coinsPurchased, silentLogger } = require('../lib/economy');

const { loadConfig } = dist('libs/runtime/src/config');
const { EconomyRuntime } = dist('libs/runtime/src/economy-runtime');

async function main() {
  const { dataDir, wallets, inflight, warmup, commands, appendThread = true } = JSON.parse(process.argv[2]);
  const runtime = await EconomyRuntime.open(loadConfig(serverEnv(dataDir)), silentLogger, { runProjector: false, appendThread });
  const at = new Date().toISOString();
  await Promise.all(
    Array.from({ length: wallets }, (_, w) =>
      runtime.eventStore.appendToStream(`wallet-user-${w}`, [coinsPurchased(`user-${w}`, at)], { expectedRevision: 'no_stream' }),
    ),
  );
  const sendGift = (w) => {
    const senderId = `user-${w}`;
    const key = randomUUID();
    return runtime.executor.execute({
      streamName: `wallet-${senderId}`,
      model: runtime.walletModel,
      command: {
        type: 'SendGift',
        data: { giftTxnId: `gift-${key}`, senderId, creatorId: `creator-${w % 100}`, giftId: 'rose', quantity: 1, now: new Date().toISOString() },
      },
      actorId: senderId,
      correlationId: key,
      causationId: key,
      idempotencyKey: key,
    });
  };
  await drive(sendGift, wallets, inflight, warmup);
  const before = runtime.eventStore.stats();
  const started = process.hrtime.bigint();
  await drive(sendGift, wallets, inflight, commands);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const after = runtime.eventStore.stats();
  const settings = runtime.eventStore.storageSettings();
  await runtime.close();
  const transactions = after.transactions - before.transactions;
  console.log(
    JSON.stringify({
      commandsPerSec: commands / seconds,
      seconds,
      transactions,
      commandsPerCommit: commands / transactions,
      settings,
      peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
    }),
  );
}

/** Keeps `inflight` commands running until `total` have completed; every one must succeed. */
async function drive(send, wallets, inflight, total) {
  let issued = 0;
  const lane = async () => {
    while (issued < total) {
      const n = issued++;
      const outcome = await send(n % wallets);
      if (outcome.kind !== 'appended') throw new Error(`gift ${n} was ${outcome.kind}`);
    }
  };
  await Promise.all(Array.from({ length: inflight }, lane));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
