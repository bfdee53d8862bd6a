import type { DocOp } from '../read-store.port';
import { type Projection, upsert } from './projection';
import { domainEventOf, utcDay } from './recorded';

/**
 * Analysts' aggregates of the creator streams, keyed by the UTC day of the business time
 * (creditedAt): the wallet streams' are the analytics projection's. Split so, each projection
 * reads one stream category, and a rebuild on two threads reads every event once (runtime
 * rebuild-threads). Only inc-able counters, so every document is a sum over its events:
 * creatorDailyCredits `{ _id: day|creatorId, day, creatorId, diamonds, gifts }`,
 * diamondTotals `{ _id: 'economy', diamondsCredited, diamondsConverted, payoutMinor_<CUR> }`.
 */
export const CREATOR_DAILY_CREDITS = 'creatorDailyCredits';
export const DIAMOND_TOTALS = 'diamondTotals';
export const DIAMOND_TOTALS_ID = 'economy';

const diamondTotals = (inc: Record<string, number>): DocOp => upsert(DIAMOND_TOTALS, DIAMOND_TOTALS_ID, {}, inc);

export const creatorAnalyticsProjection: Projection = {
  name: 'creatorAnalytics',
  collections: [
    {
      name: CREATOR_DAILY_CREDITS,
      indexes: [
        {
          fields: [
            ['day', 1],
            ['creatorId', 1],
          ],
        },
      ],
    },
    { name: DIAMOND_TOTALS, indexes: [] },
  ],
  eventTypes: ['DiamondsCredited', 'DiamondsConverted'],
  project(event) {
    const domain = domainEventOf(event);
    if (!domain) return [];
    switch (domain.type) {
      case 'DiamondsCredited': {
        const { creatorId, diamonds } = domain.data;
        const day = utcDay(domain.data.creditedAt);
        return [
          upsert(CREATOR_DAILY_CREDITS, `${day}|${creatorId}`, { day, creatorId }, { diamonds, gifts: 1 }),
          diamondTotals({ diamondsCredited: diamonds }),
        ];
      }
      case 'DiamondsConverted': {
        const { diamonds, payout } = domain.data;
        return [diamondTotals({ diamondsConverted: diamonds, [`payoutMinor_${payout.currency}`]: payout.value })];
      }
      default:
        return [];
    }
  },
};
