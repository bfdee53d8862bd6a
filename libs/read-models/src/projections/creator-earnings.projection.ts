import type { RecordedEvent } from '../../../event-store/src/event-store.port';
import { parseStreamName } from '../../../domain/src/streams';
import type { DocOp } from '../read-store.port';
import { type Projection, upsert } from './projection';
import { domainEventOf, occurredAtOf, positionString } from './recorded';

/**
 * creatorEarnings: `{ _id: creatorId, creatorId, registered, diamondsEarned, diamondsConverted,
 * diamondsAvailable, payoutMinor, payoutCurrency, payoutMinor_<CUR>, giftsReceived, conversions,
 * updatedAt, lastPosition }`; creatorGiftTotals `{ _id: creatorId|giftId, creatorId, giftId, quantity,
 * diamonds }`; creatorSupporters `{ _id: creatorId|userId, creatorId, userId, diamonds, gifts }`.
 */
export const CREATOR_EARNINGS = 'creatorEarnings';
export const CREATOR_GIFT_TOTALS = 'creatorGiftTotals';
export const CREATOR_SUPPORTERS = 'creatorSupporters';

type UpsertOp = Extract<DocOp, { kind: 'upsert' }>;

type EarningsChange = {
  diamondsEarned?: number;
  diamondsConverted?: number;
  payoutMinor?: number;
  giftsReceived?: number;
  conversions?: number;
};

function earningsOp(event: RecordedEvent, creatorId: string, change: EarningsChange, set: Record<string, unknown> = {}): UpsertOp {
  const earned = change.diamondsEarned ?? 0;
  const converted = change.diamondsConverted ?? 0;
  return {
    kind: 'upsert',
    collection: CREATOR_EARNINGS,
    id: creatorId,
    setOnInsert: { registered: false, payoutCurrency: null },
    set: { creatorId, updatedAt: occurredAtOf(event), lastPosition: positionString(event.position), ...set },
    // Every counter is touched so a new document has them all, at 0.
    inc: {
      diamondsEarned: earned,
      diamondsConverted: converted,
      diamondsAvailable: earned - converted,
      payoutMinor: change.payoutMinor ?? 0,
      giftsReceived: change.giftsReceived ?? 0,
      conversions: change.conversions ?? 0,
    },
  };
}

export const creatorEarningsProjection: Projection = {
  name: 'creatorEarnings',
  collections: [
    { name: CREATOR_EARNINGS, indexes: [] },
    {
      name: CREATOR_GIFT_TOTALS,
      indexes: [
        {
          fields: [
            ['creatorId', 1],
            ['diamonds', -1],
            ['_id', 1],
          ],
        },
      ],
    },
    {
      name: CREATOR_SUPPORTERS,
      indexes: [
        {
          fields: [
            ['creatorId', 1],
            ['diamonds', -1],
            ['_id', 1],
          ],
        },
      ],
    },
  ],
  eventTypes: ['CreatorRegistered', 'DiamondsCredited', 'DiamondsConverted'],
  project(event) {
    const domain = domainEventOf(event);
    if (!domain) return [];
    const stream = parseStreamName(event.streamName);
    const streamCreator = stream?.kind === 'creator' ? stream.creatorId : undefined;
    switch (domain.type) {
      case 'CreatorRegistered':
        return [
          earningsOp(event, streamCreator ?? domain.data.creatorId, {}, {
            registered: true,
            registeredAt: domain.data.registeredAt,
          }),
        ];
      case 'DiamondsCredited': {
        const { senderId, giftId, quantity, diamonds } = domain.data;
        const creatorId = streamCreator ?? domain.data.creatorId;
        return [
          earningsOp(event, creatorId, { diamondsEarned: diamonds, giftsReceived: 1 }),
          upsert(CREATOR_GIFT_TOTALS, `${creatorId}|${giftId}`, { creatorId, giftId }, { quantity, diamonds }),
          upsert(CREATOR_SUPPORTERS, `${creatorId}|${senderId}`, { creatorId, userId: senderId }, { diamonds, gifts: 1 }),
        ];
      }
      case 'DiamondsConverted': {
        const { diamonds, payout } = domain.data;
        const creatorId = streamCreator ?? domain.data.creatorId;
        const op = earningsOp(event, creatorId, { diamondsConverted: diamonds, payoutMinor: payout.value, conversions: 1 }, {
          payoutCurrency: payout.currency,
        });
        // Per currency too, so a second payout currency is never summed into the first.
        op.inc = { ...op.inc, [`payoutMinor_${payout.currency}`]: payout.value };
        return [op];
      }
      default:
        return [];
    }
  },
};
