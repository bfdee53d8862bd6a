import type { RecordedEvent } from '../../../event-store/src/event-store.port';
import { EVENT_TYPES, type CoinstreamEvent, type CoinstreamEventType } from '../../../domain/src/events';
import { applyDocOp, type DocFields } from '../doc-ops';
import { SqliteReadStore } from '../embedded/sqlite-read-store';
import { allProjections } from './index';
import { analyticsProjection } from './analytics.projection';
import { creatorAnalyticsProjection } from './creator-analytics.projection';
import { creatorEarningsProjection } from './creator-earnings.projection';
import type { Projection } from './projection';
import { positionKey } from './recorded';
import { walletsProjection } from './wallets.projection';

let nextPosition = 0n;
function recorded(streamName: string, event: CoinstreamEvent, position = (nextPosition += 10n)): RecordedEvent {
  return {
    streamName,
    revision: 0n,
    position,
    eventId: `evt-${position}`,
    type: event.type,
    data: event.data,
    metadata: { correlationId: 'c', causationId: 'c', actorId: 'a', occurredAt: `2024-03-0${1 + Number(position % 5n)}T10:00:00.000Z`, schemaVersion: 1 },
    recordedAt: new Date('2024-03-09T00:00:00.000Z'),
  };
}

const purchase = (userId: string, coins: number, currency = 'USD'): RecordedEvent =>
  recorded(`wallet-${userId}`, {
    type: 'CoinsPurchased',
    data: { userId, paymentId: `p${coins}`, packageId: 'pkg', region: 'US', channel: 'web', coins, amount: { value: coins * 2, currency }, purchasedAt: '2024-03-01T23:59:59.000Z' },
  });
const gift = (senderId: string, creatorId: string, coinsSpent: number): RecordedEvent =>
  recorded(`wallet-${senderId}`, {
    type: 'GiftSent',
    data: { giftTxnId: `g${coinsSpent}`, senderId, creatorId, giftId: 'rose', quantity: coinsSpent, coinsSpent, diamonds: coinsSpent / 2, sentAt: '2024-03-02T00:00:00.000Z' },
  });
const item = (userId: string, coinsSpent: number): RecordedEvent =>
  recorded(`wallet-${userId}`, {
    type: 'ItemPurchased',
    data: { purchaseId: 'i1', userId, itemId: 'sparkle', itemKind: 'effect', quantity: 1, coinsSpent, purchasedAt: '2024-03-03T00:00:00.000Z' },
  });
const registered = (creatorId: string): RecordedEvent =>
  recorded(`creator-${creatorId}`, { type: 'CreatorRegistered', data: { creatorId, registeredAt: '2024-02-01T00:00:00.000Z' } });
const credited = (creatorId: string, senderId: string, diamonds: number): RecordedEvent =>
  recorded(`creator-${creatorId}`, {
    type: 'DiamondsCredited',
    data: { creatorId, giftTxnId: `g${diamonds}`, senderId, giftId: 'rose', quantity: 2, diamonds, giftPosition: '1', creditedAt: '2024-03-02T01:00:00.000Z' },
  });
const converted = (creatorId: string, diamonds: number, payout: number): RecordedEvent =>
  recorded(`creator-${creatorId}`, {
    type: 'DiamondsConverted',
    data: { conversionId: 'cv', creatorId, diamonds, payout: { value: payout, currency: 'USD' }, rate: { diamonds: 2, payout: { value: 1, currency: 'USD' } }, convertedAt: '2024-03-04T00:00:00.000Z' },
  });

const paymentReceived = (userId: string): RecordedEvent =>
  recorded(`payment-${userId}`, {
    type: 'PaymentReceived',
    data: { paymentId: 'p1', userId, packageId: 'pkg', region: 'US', channel: 'web', amount: { value: 100, currency: 'USD' }, receivedAt: '2024-03-01T00:00:00.000Z' },
  });

/** Folds events through a projection into plain maps: the reference the store must match. */
function fold(projection: Projection, events: readonly RecordedEvent[]): Record<string, Record<string, DocFields>> {
  const out: Record<string, Record<string, DocFields>> = {};
  for (const event of events) {
    for (const op of projection.project(event)) {
      const docs = (out[op.collection] ??= {});
      docs[op.id] = applyDocOp(docs[op.id] ?? null, op)!;
    }
  }
  return out;
}

const history = [
  registered('cara'),
  purchase('ann', 500),
  gift('ann', 'cara', 100),
  credited('cara', 'ann', 50),
  item('ann', 30),
  purchase('bob', 200, 'EUR'),
  gift('bob', 'cara', 40),
  credited('cara', 'bob', 20),
  converted('cara', 60, 30),
];

describe('wallets projection', () => {
  it('adds purchases and subtracts gifts and items', () => {
    const { wallets } = fold(walletsProjection, history);
    expect(wallets!.ann).toEqual({ userId: 'ann', balance: 370, coinsPurchased: 500, coinsSpent: 130, updatedAt: history[4]!.metadata.occurredAt, lastPosition: String(history[4]!.position) });
    expect(wallets!.bob).toMatchObject({ balance: 160, coinsPurchased: 200, coinsSpent: 40 });
  });

  it('ignores creator and foreign events', () => {
    expect(walletsProjection.project(registered('x'))).toEqual([]);
    expect(walletsProjection.project({ ...purchase('z', 1), type: 'SomethingElse' })).toEqual([]);
  });
});

describe('position keys', () => {
  it('pads position keys to 20 digits so text order is numeric order', () => {
    expect(positionKey(9n) < positionKey(10n)).toBe(true);
    expect(positionKey(2n ** 64n - 1n)).toBe('18446744073709551615');
  });
});

describe('creatorEarnings projection', () => {
  it('keeps earned, converted, available, payouts and the top gifts and supporters', () => {
    const model = fold(creatorEarningsProjection, history);
    expect(model.creatorEarnings!.cara).toEqual({
      creatorId: 'cara',
      registered: true,
      registeredAt: '2024-02-01T00:00:00.000Z',
      diamondsEarned: 70,
      diamondsConverted: 60,
      diamondsAvailable: 10,
      payoutMinor: 30,
      payoutMinor_USD: 30,
      payoutCurrency: 'USD',
      giftsReceived: 2,
      conversions: 1,
      updatedAt: history[8]!.metadata.occurredAt,
      lastPosition: String(history[8]!.position),
    });
    expect(model.creatorGiftTotals!['cara|rose']).toEqual({ creatorId: 'cara', giftId: 'rose', quantity: 4, diamonds: 70 });
    expect(model.creatorSupporters!['cara|ann']).toEqual({ creatorId: 'cara', userId: 'ann', diamonds: 50, gifts: 1 });
  });

  it('creates an unregistered creator when a credit comes first', () => {
    expect(fold(creatorEarningsProjection, [credited('dan', 'ann', 5)]).creatorEarnings!.dan).toMatchObject({ registered: false, diamondsAvailable: 5, payoutCurrency: null });
  });
});

describe('analytics projection', () => {
  it('sums the wallet streams per UTC business day, gift, region/channel/currency and overall', () => {
    const model = fold(analyticsProjection, history);
    expect(model.revenueDaily!['2024-03-01|US|web|USD']).toEqual({ day: '2024-03-01', region: 'US', channel: 'web', currency: 'USD', amountMinor: 1000, coins: 500, purchases: 1 });
    expect(model.gifterDaily!['2024-03-02|ann']).toEqual({ day: '2024-03-02', userId: 'ann', coinsSpent: 100, gifts: 1 });
    expect(model.giftPopularity!.rose).toEqual({ giftId: 'rose', quantity: 140, coins: 140, diamonds: 70, transactions: 2 });
    expect(model.economyTotals!.economy).toEqual({
      coinsSold: 700,
      revenueMinor_USD: 1000,
      revenueMinor_EUR: 400,
      coinsSpentOnGifts: 140,
      giftTransactions: 2,
      coinsSpentOnItems: 30,
      itemPurchases: 1,
    });
    expect(Object.keys(model).sort()).toEqual(['economyTotals', 'giftPopularity', 'gifterDaily', 'revenueDaily']);
  });
});

describe('creator analytics projection', () => {
  it('sums the creator streams per UTC business day and creator, and overall', () => {
    const model = fold(creatorAnalyticsProjection, history);
    expect(model.creatorDailyCredits!['2024-03-02|cara']).toEqual({ day: '2024-03-02', creatorId: 'cara', diamonds: 70, gifts: 2 });
    expect(model.diamondTotals!.economy).toEqual({ diamondsCredited: 70, diamondsConverted: 60, payoutMinor_USD: 30 });
    expect(Object.keys(model).sort()).toEqual(['creatorDailyCredits', 'diamondTotals']);
  });
});

describe('the stream categories each projection reads', () => {
  const categoryOf = (projection: Projection): string[] => [...new Set(history.filter((e) => projection.project(e).length > 0).map((e) => e.streamName.split('-')[0]!))];

  it.each(allProjections.map((projection) => [projection.name, projection] as const))('%s reads one category, so the rebuild threads split the log by category', (_, projection) => {
    expect(categoryOf(projection)).toHaveLength(1);
  });
});

describe('the event types each projection declares', () => {
  // One of every type: a new event type does not compile until it has one here.
  const oneOfEach: Record<CoinstreamEventType, RecordedEvent> = {
    CoinsPurchased: purchase('ann', 10),
    GiftSent: gift('ann', 'cara', 4),
    ItemPurchased: item('ann', 3),
    CreatorRegistered: registered('cara'),
    DiamondsCredited: credited('cara', 'ann', 2),
    DiamondsConverted: converted('cara', 2, 1),
    PaymentReceived: paymentReceived('ann'),
  };

  it.each(allProjections.map((projection) => [projection.name, projection] as const))(
    '%s declares exactly the types it projects, so a rebuild reading only those misses nothing',
    (_, projection) => {
      const projected = EVENT_TYPES.filter((type) => projection.project(oneOfEach[type]).length > 0);
      expect(projection.eventTypes).toBeDefined();
      expect([...projection.eventTypes!].sort()).toEqual([...projected].sort());
    },
  );
});

describe('all projections through the SQLite store', () => {
  it('give the same documents as the pure fold, batch by batch', async () => {
    const store = SqliteReadStore.open({ file: ':memory:' });
    await store.init(allProjections);
    for (const projection of allProjections) {
      // Two batches, so merging within a batch and across batches are both exercised.
      for (const part of [history.slice(0, 4), history.slice(4)]) {
        await store.applyBatch(projection.name, part.flatMap((e) => projection.project(e)), part[part.length - 1]!.position);
      }
      const expected = fold(projection, history);
      for (const [collection, docs] of Object.entries(expected)) {
        for (const [id, doc] of Object.entries(docs)) expect(await store.get(collection, id)).toEqual({ _id: id, ...doc });
      }
    }
    const page = await store.find('creatorSupporters', { where: { creatorId: 'cara' }, orderBy: [['diamonds', 'desc'], ['_id', 'asc']], limit: 2 });
    const supporters = Object.entries(fold(creatorEarningsProjection, history).creatorSupporters!).filter(([, d]) => d.creatorId === 'cara');
    supporters.sort(([idA, a], [idB, b]) => Number(b.diamonds) - Number(a.diamonds) || (idA < idB ? -1 : 1));
    expect(supporters.length).toBeGreaterThan(1);
    expect(page.map((d) => d._id)).toEqual(supporters.slice(0, 2).map(([id]) => id));
    await store.close();
  });
});
