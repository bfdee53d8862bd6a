'use strict';
/**
 * Writes `events` realistic events into a fresh events.db whose schema the store itself created:
 * creators register, wallets buy coin packages, send gifts (each followed by the creator's
 * DiamondsCredited), buy items, and creators convert diamonds. Balances never go negative, so a
 * replay applies every event. Raw inserts (one transaction per 10,000) only to make the fixture fast.
 */
const { randomUUID } = require('node:crypto');
const Database = require('better-sqlite3');
const { dist, metadata } = require('../lib/economy');

const { SqliteEventStore } = dist('libs/event-store/src/embedded/sqlite-event-store');

const GIFTS = [['rose', 1], ['finger-heart', 5], ['perfume', 20], ['hat-and-mustache', 99]];
const ITEMS = [['sticker-heart', 'sticker', 10], ['effect-sparkle', 'effect', 30], ['filter-vintage', 'filter', 15]];
const PACKAGES = [['coins-17500', 17500, { value: 24999, currency: 'USD' }, 'US', 'app_store']];

async function main() {
  const { file, events: total, wallets, creators } = JSON.parse(process.argv[2]);
  await SqliteEventStore.open({ file }).close();
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  const insert = db.prepare(
    'INSERT INTO events (position, stream_name, revision, event_id, type, data, metadata, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const revisions = new Map();
  const balances = new Float64Array(wallets);
  const diamonds = new Float64Array(creators);
  let position = 0;
  // Two years of history, one event every ~60 ms of simulated time.
  let clock = Date.UTC(2025, 0, 1);
  let rand = 42;
  const random = () => ((rand = (Math.imul(rand, 1103515245) + 12345) >>> 0) / 2 ** 32);

  const write = (stream, type, data, actorId) => {
    position += 1;
    clock += Math.floor(random() * 120);
    const at = new Date(clock).toISOString();
    const revision = (revisions.get(stream) ?? -1) + 1;
    revisions.set(stream, revision);
    insert.run(position, stream, revision, randomUUID(), type, JSON.stringify(data(at)), JSON.stringify(metadata(actorId, at)), clock);
    return position;
  };

  const step = () => {
    if (position < creators) {
      const c = position;
      write(`creator-creator-${c}`, 'CreatorRegistered', (at) => ({ creatorId: `creator-${c}`, registeredAt: at }), `creator-${c}`);
      return;
    }
    const w = Math.floor(random() * wallets);
    const userId = `user-${w}`;
    const roll = random();
    const [packageId, coins, amount, region, channel] = PACKAGES[0];
    if (balances[w] < 100) {
      balances[w] += coins;
      write(`wallet-${userId}`, 'CoinsPurchased', (at) => ({ userId, paymentId: `pay-${randomUUID()}`, packageId, region, channel, coins, amount, purchasedAt: at }), 'payment-provider');
    } else if (roll < 0.8) {
      const [giftId, cost] = GIFTS[Math.floor(random() * GIFTS.length)];
      const c = Math.floor(random() * creators);
      const creatorId = `creator-${c}`;
      const giftTxnId = `gift-${randomUUID()}`;
      balances[w] -= cost;
      diamonds[c] += cost;
      const giftPosition = write(`wallet-${userId}`, 'GiftSent', (at) => ({ giftTxnId, senderId: userId, creatorId, giftId, quantity: 1, coinsSpent: cost, diamonds: cost, sentAt: at }), userId);
      write(`creator-${creatorId}`, 'DiamondsCredited', (at) => ({ creatorId, giftTxnId, senderId: userId, giftId, quantity: 1, diamonds: cost, giftPosition: String(giftPosition), creditedAt: at }), 'system:diamonds-reactor');
    } else if (roll < 0.97) {
      const [itemId, itemKind, cost] = ITEMS[Math.floor(random() * ITEMS.length)];
      balances[w] -= cost;
      write(`wallet-${userId}`, 'ItemPurchased', (at) => ({ purchaseId: `purchase-${randomUUID()}`, userId, itemId, itemKind, quantity: 1, coinsSpent: cost, purchasedAt: at }), userId);
    } else {
      const c = Math.floor(random() * creators);
      const amountDiamonds = Math.floor(diamonds[c] / 2) * 2;
      if (amountDiamonds < 20000) return;
      diamonds[c] -= amountDiamonds;
      const creatorId = `creator-${c}`;
      const payout = { value: amountDiamonds / 2, currency: 'USD' };
      write(`creator-${creatorId}`, 'DiamondsConverted', (at) => ({ conversionId: `conv-${randomUUID()}`, creatorId, diamonds: amountDiamonds, payout, rate: { diamonds: 2, payout: { value: 1, currency: 'USD' } }, convertedAt: at }), creatorId);
    }
  };

  const batch = db.transaction(() => {
    const end = Math.min(total, position + 10_000);
    while (position < end - 1) step();
    if (position < total) step();
  });
  while (position < total) batch();
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  console.log(JSON.stringify({ events: position, streams: revisions.size }));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
