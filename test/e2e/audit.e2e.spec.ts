import { EconomyHarness } from './economy-harness';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('audit: history and balances replayed at an instant', () => {
  let h: EconomyHarness;
  const auditor = { sub: 'auditor-1', roles: ['auditor' as const] };
  beforeAll(async () => {
    h = await EconomyHarness.start();
  });
  afterAll(async () => {
    await h.stop();
  });

  it('replays a wallet and a creator to any instant, straight from the event log', async () => {
    const mia = h.id('mia');
    const noah = h.id('noah');
    const t0 = new Date().toISOString();
    await pause(15);
    await h.registerCreator(noah);
    await h.buyCoins(mia, 'coins-1400', { value: 1_999, currency: 'USD' });
    await pause(15);
    const t1 = new Date().toISOString();
    await pause(15);
    await h.gift(mia, { creatorId: noah, giftId: 'money-gun', quantity: 2 });
    await h.eventually(`/v1/creators/${noah}/earnings`, auditor, (r) => r.body.diamondsEarned === 1_000);
    await pause(15);
    const t2 = new Date().toISOString();

    const at = async (url: string) => (await h.request({ method: 'GET', url, as: auditor })).body;
    expect(await at(`/v1/audit/wallets/${mia}/balance?at=${t0}`)).toMatchObject({ balance: 0, eventsApplied: 0 });
    expect(await at(`/v1/audit/wallets/${mia}/balance?at=${t1}`)).toMatchObject({ balance: 1_400, coinsPurchased: 1_400, eventsApplied: 1 });
    expect(await at(`/v1/audit/wallets/${mia}/balance?at=${t2}`)).toMatchObject({ balance: 400, coinsSpent: 1_000, eventsApplied: 2 });
    expect(await at(`/v1/audit/creators/${noah}/balance?at=${t1}`)).toMatchObject({ registered: true, diamondsEarned: 0 });
    expect(await at(`/v1/audit/creators/${noah}/balance?at=${t2}`)).toMatchObject({ diamondsEarned: 1_000, diamondsAvailable: 1_000 });

    const bad = await h.request({ method: 'GET', url: `/v1/audit/wallets/${mia}/balance?at=yesterday`, as: auditor });
    expect(bad.status).toBe(400);
  });

  it('lists a stream in order with metadata, and all events by position with a type filter and a cursor', async () => {
    const olga = h.id('olga');
    const pia = h.id('pia');
    await h.registerCreator(pia);
    await h.buyCoins(olga, 'coins-70', { value: 99, currency: 'USD' });
    const gift = await h.gift(olga, { creatorId: pia, giftId: 'rose', quantity: 3 }, 'audit-key');

    const stream = await h.request({ method: 'GET', url: `/v1/audit/streams/wallet-${olga}`, as: auditor });
    expect(stream.status).toBe(200);
    expect(stream.body.items.map((e: { type: string; revision: number }) => [e.type, e.revision])).toEqual([
      ['CoinsPurchased', 0],
      ['GiftSent', 1],
    ]);
    const giftEvent = stream.body.items[1];
    expect(giftEvent).toMatchObject({ streamName: `wallet-${olga}`, position: gift.body.position, data: { coinsSpent: 3, diamonds: 3 } });
    expect(giftEvent.metadata).toMatchObject({ actorId: olga, idempotencyKey: 'audit-key', schemaVersion: 1, correlationId: expect.any(String) });
    expect(Date.parse(giftEvent.recordedAt)).not.toBeNaN();

    const credited = await h.eventually(`/v1/creators/${pia}/earnings`, auditor, (r) => r.body.diamondsEarned === 3);
    expect(credited.body.diamondsEarned).toBe(3);
    const creatorEvents = await h.request({ method: 'GET', url: `/v1/audit/streams/creator-${pia}`, as: auditor });
    const credit = creatorEvents.body.items.find((e: { type: string }) => e.type === 'DiamondsCredited');
    // The credit is caused by the gift event and shares the request's correlation id.
    expect(credit.metadata.causationId).toBe(giftEvent.eventId);
    expect(credit.metadata.correlationId).toBe(giftEvent.metadata.correlationId);

    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { items: Array<{ type: string; position: number }>; nextCursor: string | null } } = await h.request({
        method: 'GET', url: `/v1/audit/events?type=GiftSent&limit=1${cursor ? `&cursor=${cursor}` : ''}`, as: auditor,
      });
      for (const e of page.body.items) {
        expect(e.type).toBe('GiftSent');
        seen.push(e.position);
      }
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toContain(gift.body.position);
    expect([...seen].sort((a, b) => a - b)).toEqual(seen);

    const from = await h.request({ method: 'GET', url: `/v1/audit/events?fromPosition=${gift.body.position}&limit=1`, as: auditor });
    expect(from.body.items[0].position).toBe(gift.body.position);

    const crafted = Buffer.from(JSON.stringify(['not-a-number'])).toString('base64url');
    for (const url of [`/v1/audit/events?cursor=${crafted}`, `/v1/audit/streams/wallet-${olga}?cursor=${crafted}`, '/v1/audit/events?limit=501']) {
      expect([url, (await h.request({ method: 'GET', url, as: auditor })).status]).toEqual([url, 400]);
    }
    const firstOfStream = await h.request({ method: 'GET', url: `/v1/audit/streams/wallet-${olga}?limit=1`, as: auditor });
    const restOfStream = await h.request({ method: 'GET', url: `/v1/audit/streams/wallet-${olga}?limit=1&cursor=${firstOfStream.body.nextCursor}`, as: auditor });
    expect(restOfStream.body.items.map((e: { revision: number }) => e.revision)).toEqual([1]);

    const missing = await h.request({ method: 'GET', url: '/v1/audit/streams/wallet-nobody-here', as: auditor });
    expect(missing.status).toBe(404);
    const badName = await h.request({ method: 'GET', url: '/v1/audit/streams/$all', as: auditor });
    expect(badName.status).toBe(400);
  });

  it('gives analysts leaderboards, revenue per currency, gift popularity and the liability', async () => {
    const analyst = { sub: 'analyst-1', roles: ['analyst' as const] };
    const quinn = h.id('quinn');
    const rita = h.id('rita');
    await h.registerCreator(rita);
    await h.buyCoins(quinn, 'coins-3500', { value: 4_999, currency: 'USD' });
    const gift = await h.gift(quinn, { creatorId: rita, giftId: 'galaxy', quantity: 3 });
    await h.eventually(`/v1/creators/${rita}/earnings`, analyst, (r) => r.body.diamondsEarned === 3_000);
    const credited = await h.runtime.eventStore.headPosition();
    const q = `minPosition=${credited}`;

    const creators = await h.request({ method: 'GET', url: `/v1/analytics/leaderboards/creators?${q}`, as: analyst });
    expect(creators.body.items).toContainEqual({ creatorId: rita, diamonds: 3_000, gifts: 1 });
    const gifters = await h.request({ method: 'GET', url: `/v1/analytics/leaderboards/gifters?${q}`, as: analyst });
    expect(gifters.body.items[0]).toMatchObject({ userId: quinn, coinsSpent: 3_000 });
    const revenue = await h.request({ method: 'GET', url: `/v1/analytics/revenue?groupBy=currency&${q}`, as: analyst });
    const usd = revenue.body.items.find((r: { currency: string }) => r.currency === 'USD');
    expect(usd.amount.value).toBeGreaterThanOrEqual(4_999);
    const popularity = await h.request({ method: 'GET', url: `/v1/analytics/gifts/popularity?${q}`, as: analyst });
    expect(popularity.body.items.find((g: { giftId: string }) => g.giftId === 'galaxy')).toMatchObject({ quantity: 3 });
    const liability = await h.request({ method: 'GET', url: `/v1/analytics/liability?${q}`, as: analyst });
    expect(liability.status).toBe(200);
    // Coins from the wallet streams' totals, diamonds from the creator streams': both must be there.
    expect(liability.body.coinsSpent).toBeGreaterThanOrEqual(3_000);
    expect(liability.body.diamondsCredited).toBeGreaterThanOrEqual(3_000);
    expect(liability.body.coinsOutstanding).toBe(liability.body.coinsSold - liability.body.coinsSpent);
    expect(liability.body.diamondsOutstanding).toBe(liability.body.diamondsCredited - liability.body.diamondsConverted);
    expect(liability.body.asOfPosition).toBeGreaterThanOrEqual(gift.body.position);
  });
});
