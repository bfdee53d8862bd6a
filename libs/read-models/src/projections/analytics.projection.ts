import type { DocOp } from '../read-store.port';
import { type Projection, upsert } from './projection';
import { domainEventOf, utcDay } from './recorded';

/**
 * Analysts' aggregates of the wallet streams, keyed by the UTC day of the business time (sentAt,
 * purchasedAt): the creator streams' are creatorAnalytics'. Only inc-able counters, so every
 * document is a sum over its events:
 * gifterDaily `{ _id: day|userId, day, userId, coinsSpent, gifts }`,
 * revenueDaily `{ _id: day|region|channel|currency, day, region, channel, currency, amountMinor, coins, purchases }`,
 * giftPopularity `{ _id: giftId, giftId, quantity, coins, diamonds, transactions }`,
 * economyTotals `{ _id: 'economy', coinsSold, coinsSpentOnGifts, coinsSpentOnItems, giftTransactions,
 * itemPurchases, revenueMinor_<CUR> }`.
 *
 * Before creatorAnalytics took the creator streams', analytics kept creatorDaily and the diamond
 * totals too: a store from then keeps that table and those fields, which nothing reads any more
 * (README, "Operating and auditing", on upgrading).
 */
export const GIFTER_DAILY = 'gifterDaily';
export const REVENUE_DAILY = 'revenueDaily';
export const GIFT_POPULARITY = 'giftPopularity';
export const ECONOMY_TOTALS = 'economyTotals';
export const ECONOMY_TOTALS_ID = 'economy';

const economy = (inc: Record<string, number>): DocOp => upsert(ECONOMY_TOTALS, ECONOMY_TOTALS_ID, {}, inc);

export const analyticsProjection: Projection = {
  name: 'analytics',
  collections: [
    {
      name: GIFTER_DAILY,
      indexes: [
        {
          fields: [
            ['day', 1],
            ['userId', 1],
          ],
        },
      ],
    },
    { name: REVENUE_DAILY, indexes: [{ fields: [['day', 1]] }] },
    {
      name: GIFT_POPULARITY,
      indexes: [
        {
          fields: [
            ['quantity', -1],
            ['_id', 1],
          ],
        },
      ],
    },
    { name: ECONOMY_TOTALS, indexes: [] },
  ],
  eventTypes: ['CoinsPurchased', 'GiftSent', 'ItemPurchased'],
  project(event) {
    const domain = domainEventOf(event);
    if (!domain) return [];
    switch (domain.type) {
      case 'CoinsPurchased': {
        const { region, channel, amount, coins } = domain.data;
        const day = utcDay(domain.data.purchasedAt);
        return [
          upsert(
            REVENUE_DAILY,
            `${day}|${region}|${channel}|${amount.currency}`,
            { day, region, channel, currency: amount.currency },
            { amountMinor: amount.value, coins, purchases: 1 },
          ),
          economy({ coinsSold: coins, [`revenueMinor_${amount.currency}`]: amount.value }),
        ];
      }
      case 'GiftSent': {
        const { senderId, giftId, quantity, coinsSpent, diamonds } = domain.data;
        const day = utcDay(domain.data.sentAt);
        return [
          upsert(GIFTER_DAILY, `${day}|${senderId}`, { day, userId: senderId }, { coinsSpent, gifts: 1 }),
          upsert(GIFT_POPULARITY, giftId, { giftId }, { quantity, coins: coinsSpent, diamonds, transactions: 1 }),
          economy({ coinsSpentOnGifts: coinsSpent, giftTransactions: 1 }),
        ];
      }
      case 'ItemPurchased':
        return [economy({ coinsSpentOnItems: domain.data.coinsSpent, itemPurchases: 1 })];
      default:
        return [];
    }
  },
};
