import type { EventStore, EventToAppend } from '../../../libs/event-store/src/event-store.port';
import type { CoinstreamEvent } from '../../../libs/domain/src/events';
import { creatorStream, walletStream } from '../../../libs/domain/src/streams';

/** A deterministic economy: purchases, gifts (with their credits), item purchases, conversions. */
export type SeededStream = { streamName: string; events: EventToAppend[] };

export function seededEconomy(seed: number, steps: number): SeededStream[] {
  let state = seed >>> 0 || 1;
  const rand = (n: number): number => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state % n;
  };
  const streams = new Map<string, EventToAppend[]>();
  let counter = 0;
  const day = (): string => new Date(Date.UTC(2024, 0, 1 + rand(20), rand(24), rand(60))).toISOString();
  const push = (streamName: string, event: CoinstreamEvent): void => {
    counter += 1;
    const list = streams.get(streamName) ?? [];
    streams.set(streamName, list);
    const hex = counter.toString(16).padStart(12, '0');
    list.push({
      eventId: `${(seed >>> 0).toString(16).padStart(8, '0')}-0000-4000-8000-${hex}`,
      type: event.type,
      data: event.data,
      metadata: {
        correlationId: `corr-${counter}`,
        causationId: `cause-${counter}`,
        actorId: 'seed',
        occurredAt: new Date(Date.UTC(2024, 0, 1) + counter * 1000).toISOString(),
        schemaVersion: 1,
      },
    });
  };
  const users = Array.from({ length: 25 }, (_, i) => `user${i}`);
  const creators = Array.from({ length: 6 }, (_, i) => `creator${i}`);
  const balances = new Map<string, number>();
  const available = new Map<string, number>();
  for (const creatorId of creators) push(creatorStream(creatorId), { type: 'CreatorRegistered', data: { creatorId, registeredAt: day() } });
  const regions = ['US', 'DE', 'BR'];
  const channels = ['web', 'app_store', 'card'];
  const gifts = [
    { giftId: 'rose', coins: 1, diamonds: 1 },
    { giftId: 'lion', coins: 29, diamonds: 14 },
    { giftId: 'galaxy', coins: 1000, diamonds: 500 },
  ];
  for (let step = 0; step < steps; step += 1) {
    const userId = users[rand(users.length)]!;
    const balance = balances.get(userId) ?? 0;
    const choice = rand(10);
    if (choice < 3 || balance < 30) {
      const coins = 100 * (1 + rand(20));
      const currency = rand(4) === 0 ? 'EUR' : 'USD';
      push(walletStream(userId), {
        type: 'CoinsPurchased',
        data: {
          userId,
          paymentId: `pay-${step}`,
          packageId: `pkg-${coins}`,
          region: regions[rand(regions.length)]!,
          channel: channels[rand(channels.length)]!,
          coins,
          amount: { value: coins + 99, currency },
          purchasedAt: day(),
        },
      });
      balances.set(userId, balance + coins);
    } else if (choice < 8) {
      const gift = gifts[rand(gifts.length)]!;
      const quantity = 1 + rand(3);
      const coinsSpent = gift.coins * quantity;
      if (coinsSpent > balance) continue;
      const creatorId = creators[rand(creators.length)]!;
      const sentAt = day();
      const giftTxnId = `gift-${step}`;
      const diamonds = gift.diamonds * quantity;
      push(walletStream(userId), {
        type: 'GiftSent',
        data: { giftTxnId, senderId: userId, creatorId, giftId: gift.giftId, quantity, coinsSpent, diamonds, sentAt },
      });
      push(creatorStream(creatorId), {
        type: 'DiamondsCredited',
        data: { creatorId, giftTxnId, senderId: userId, giftId: gift.giftId, quantity, diamonds, giftPosition: '0', creditedAt: sentAt },
      });
      balances.set(userId, balance - coinsSpent);
      available.set(creatorId, (available.get(creatorId) ?? 0) + diamonds);
    } else if (choice < 9) {
      const coinsSpent = 10 * (1 + rand(3));
      push(walletStream(userId), {
        type: 'ItemPurchased',
        data: {
          purchaseId: `item-${step}`,
          userId,
          itemId: 'sparkle',
          itemKind: 'effect',
          quantity: coinsSpent / 10,
          coinsSpent,
          ...(rand(2) === 0 ? { target: `video-${step}` } : {}),
          purchasedAt: day(),
        },
      });
      balances.set(userId, balance - coinsSpent);
    } else {
      const creatorId = creators[rand(creators.length)]!;
      const have = available.get(creatorId) ?? 0;
      if (have < 200) continue;
      const diamonds = 200;
      push(creatorStream(creatorId), {
        type: 'DiamondsConverted',
        data: {
          conversionId: `conv-${step}`,
          creatorId,
          diamonds,
          payout: { value: 100, currency: 'USD' },
          rate: { diamonds: 200, payout: { value: 100, currency: 'USD' } },
          convertedAt: day(),
        },
      });
      available.set(creatorId, have - diamonds);
    }
  }
  return [...streams.entries()].map(([streamName, events]) => ({ streamName, events }));
}

/** Appends the streams, all streams concurrently (group commit), each in order; returns the count. */
export async function appendSeeded(store: EventStore, streams: readonly SeededStream[], chunk = 25): Promise<number> {
  const revisions = new Map<string, bigint | 'no_stream'>();
  let offset = 0;
  let total = 0;
  for (;;) {
    const work = streams
      .filter((s) => offset < s.events.length)
      .map(async (s) => {
        const events = s.events.slice(offset, offset + chunk);
        const result = await store.appendToStream(s.streamName, events, { expectedRevision: revisions.get(s.streamName) ?? 'no_stream' });
        revisions.set(s.streamName, result.nextExpectedRevision);
        total += events.length;
      });
    if (work.length === 0) return total;
    await Promise.all(work);
    offset += chunk;
  }
}

/** One CoinsPurchased for a user's fresh wallet, with a unique event id. */
export function topUp(userId: string, coins: number, eventId: string): EventToAppend {
  return {
    eventId,
    type: 'CoinsPurchased',
    data: { userId, paymentId: `pay-${eventId}`, packageId: 'pkg', region: 'US', channel: 'web', coins, amount: { value: coins, currency: 'USD' }, purchasedAt: '2024-02-01T00:00:00.000Z' },
    metadata: { correlationId: eventId, causationId: eventId, actorId: 'seed', occurredAt: '2024-02-01T00:00:00.000Z', schemaVersion: 1 },
  };
}
