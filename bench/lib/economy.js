'use strict';
const { randomUUID } = require('node:crypto');
const { join } = require('node:path');

/** The compiled app (npm run build); the bench measures what `npm start` runs. */
const DIST = join(__dirname, '..', '..', 'dist');
const dist = (path) => require(join(DIST, path));

const SECRETS = {
  AUTH_JWT_SECRET: 'bench-jwt-secret-0123456789abcdef0123456789',
  PAYMENT_WEBHOOK_SECRET: 'bench-webhook-secret-0123456789abcdef012345',
};

/** The server's environment: production mode, quiet logs, no rate limit in the way. */
function serverEnv(dataDir) {
  return {
    NODE_ENV: 'production',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    RATE_LIMIT_PER_MINUTE: '10000000',
    HOST: '127.0.0.1',
    ...SECRETS,
  };
}

function metadata(actorId, occurredAt, extra = {}) {
  const id = randomUUID();
  return { correlationId: id, causationId: id, actorId, occurredAt, schemaVersion: 1, ...extra };
}

/** A purchase of the 17,500-coin package at its US app-store price, as the webhook would record it. */
function coinsPurchased(userId, at, paymentId = `pay-${randomUUID()}`) {
  return {
    eventId: randomUUID(),
    type: 'CoinsPurchased',
    data: {
      userId,
      paymentId,
      packageId: 'coins-17500',
      region: 'US',
      channel: 'app_store',
      coins: 17500,
      amount: { value: 24999, currency: 'USD' },
      purchasedAt: at,
    },
    metadata: metadata('payment-provider', at),
  };
}

function giftSent(senderId, creatorId, at) {
  const giftTxnId = `gift-${randomUUID()}`;
  return {
    eventId: randomUUID(),
    type: 'GiftSent',
    data: { giftTxnId, senderId, creatorId, giftId: 'rose', quantity: 1, coinsSpent: 1, diamonds: 1, sentAt: at },
    metadata: metadata(senderId, at, { idempotencyKey: giftTxnId }),
  };
}

function creatorRegistered(creatorId, at) {
  return { eventId: randomUUID(), type: 'CreatorRegistered', data: { creatorId, registeredAt: at }, metadata: metadata(creatorId, at) };
}

const silentLogger = { info() {}, warn() {}, error() {}, debug() {}, trace() {}, fatal() {}, child: () => silentLogger };

module.exports = { dist, SECRETS, serverEnv, metadata, coinsPurchased, giftSent, creatorRegistered, silentLogger };
