import { EconomyHarness } from './economy-harness';

describe.each([
  ['on one thread', {}],
  // What `npm start` runs on the embedded default: projections and appends' commits on worker threads.
  ['with the api’s worker threads', { projectorThread: true, appendThread: true }],
])('the coin economy end to end, %s', (_threads, runtime) => {
  let h: EconomyHarness;
  beforeAll(async () => {
    h = await EconomyHarness.start({}, runtime);
  });
  afterAll(async () => {
    await h.stop();
  });

  it('answers /health once it accepts commands and queries', async () => {
    const r = await h.request({ method: 'GET', url: '/health' });
    expect(r.status).toBe(200);
    expect(r.body.status).toBe('ok');
  });

  it('buys coins, sends a gift, credits the creator, converts diamonds, and reads it all back', async () => {
    const alice = h.id('alice');
    const bella = h.id('bella');
    expect((await h.registerCreator(bella)).status).toBe(201);

    const bought = await h.buyCoins(alice, 'coins-17500', { value: 24_999, currency: 'USD' });
    expect(bought.status).toBe(200);
    expect(bought.body).toEqual({ paymentId: expect.any(String), coins: 17_500, balance: 17_500, position: expect.any(Number) });

    const gift = await h.gift(alice, { creatorId: bella, giftId: 'money-gun', quantity: 30 });
    expect(gift.status).toBe(201);
    expect(gift.body).toEqual({
      giftTxnId: expect.any(String),
      coinsSpent: 15_000,
      diamondsCredited: 15_000,
      balance: 2_500,
      position: expect.any(Number),
    });
    expect(gift.body.position).toBeGreaterThan(bought.body.position);

    const wallet = await h.request({ method: 'GET', url: `/v1/wallets/me?minPosition=${gift.body.position}`, as: { sub: alice, roles: ['user'] } });
    expect(wallet.status).toBe(200);
    expect(wallet.body).toMatchObject({ userId: alice, balance: 2_500, coinsPurchased: 17_500, coinsSpent: 15_000 });
    expect(wallet.body.asOfPosition).toBeGreaterThanOrEqual(gift.body.position);

    const more = await h.gift(alice, { creatorId: bella, giftId: 'galaxy', quantity: 2 });
    expect(more.status).toBe(201);
    const asBella = { sub: bella, roles: ['creator' as const] };
    const earnings = await h.eventually('/v1/creators/me/earnings', asBella, (r) => r.body.diamondsEarned === 17_000);
    expect(earnings.body).toMatchObject({
      creatorId: bella,
      diamondsEarned: 17_000,
      diamondsConverted: 0,
      diamondsAvailable: 17_000,
      payouts: { value: 0, currency: 'USD' },
      giftsReceived: 2,
    });
    expect(earnings.body.topSupporters).toEqual([{ userId: alice, diamonds: 17_000, gifts: 2 }]);
    expect(earnings.body.topGifts.map((g: { giftId: string }) => g.giftId)).toEqual(['money-gun', 'galaxy']);

    const tooFew = await h.request({
      method: 'POST', url: '/v1/creators/me/conversions', as: asBella, body: { diamonds: 19_999 }, headers: { 'idempotency-key': 'c0' },
    });
    expect(tooFew.status).toBe(422);
    expect(tooFew.body.error.code).toBe('BELOW_MINIMUM_CONVERSION');

    const tooMany = await h.request({
      method: 'POST', url: '/v1/creators/me/conversions', as: asBella, body: { diamonds: 20_000 }, headers: { 'idempotency-key': 'c1' },
    });
    expect(tooMany.status).toBe(422);
    expect(tooMany.body.error.code).toBe('INSUFFICIENT_DIAMONDS');

    await h.buyCoins(alice, 'coins-17500', { value: 24_999, currency: 'USD' });
    await h.gift(alice, { creatorId: bella, giftId: 'interstellar', quantity: 1 });
    await h.eventually('/v1/creators/me/earnings', asBella, (r) => r.body.diamondsEarned === 27_000);

    const converted = await h.request({
      method: 'POST', url: '/v1/creators/me/conversions', as: asBella, body: { diamonds: 20_001 }, headers: { 'idempotency-key': 'c2' },
    });
    expect(converted.status).toBe(201);
    // 2 diamonds make a cent: the odd diamond stays available rather than being lost to rounding.
    expect(converted.body).toEqual({
      conversionId: expect.any(String),
      diamonds: 20_000,
      payout: { value: 10_000, currency: 'USD' },
      diamondsAvailable: 7_000,
      position: expect.any(Number),
    });
    const after = await h.request({
      method: 'GET', url: `/v1/creators/${bella}/earnings?minPosition=${converted.body.position}`, as: { sub: 'an-analyst', roles: ['analyst'] },
    });
    expect(after.body).toMatchObject({ diamondsConverted: 20_000, diamondsAvailable: 7_000, payouts: { value: 10_000, currency: 'USD' } });
  });

  it('buys an in-app item with coins and lists the wallet transactions newest first, page by page', async () => {
    const carl = h.id('carl');
    await h.buyCoins(carl, 'coins-350', { value: 499, currency: 'USD' });
    const promo = await h.request({
      method: 'POST', url: '/v1/item-purchases', as: { sub: carl, roles: ['user'] },
      body: { itemId: 'promotion-1k-views', quantity: 1, target: 'video-9' }, headers: { 'idempotency-key': 'p1' },
    });
    expect(promo.status).toBe(201);
    expect(promo.body).toEqual({
      purchaseId: expect.any(String), itemId: 'promotion-1k-views', quantity: 1, coinsSpent: 200, balance: 150,
      position: expect.any(Number), target: 'video-9',
    });
    const sticker = await h.request({
      method: 'POST', url: '/v1/item-purchases', as: { sub: carl, roles: ['user'] },
      body: { itemId: 'sticker-heart', quantity: 2 }, headers: { 'idempotency-key': 'p2' },
    });
    expect(sticker.status).toBe(201);

    const asCarl = { sub: carl, roles: ['user' as const] };
    const first = await h.request({ method: 'GET', url: `/v1/wallets/me/transactions?limit=2&minPosition=${sticker.body.position}`, as: asCarl });
    expect(first.status).toBe(200);
    expect(first.body.items.map((t: { kind: string }) => t.kind)).toEqual(['item_purchased', 'item_purchased']);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await h.request({ method: 'GET', url: `/v1/wallets/me/transactions?limit=2&cursor=${first.body.nextCursor}`, as: asCarl });
    expect(second.body.items).toHaveLength(1);
    expect(second.body.items[0]).toMatchObject({ kind: 'coins_purchased', coins: 350 });
    expect(second.body.nextCursor).toBeNull();
    // A transaction is named by its event's id (a UUID), not by the position key its document is stored under.
    const ids = [...first.body.items, ...second.body.items].map((t: { transactionId: string }) => t.transactionId);
    expect(new Set(ids).size).toBe(3);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });

  it('serves the catalog publicly', async () => {
    const packages = await h.request({ method: 'GET', url: '/v1/catalog/coin-packages?region=US&channel=app_store' });
    expect(packages.status).toBe(200);
    expect(packages.body.items[0]).toEqual({ packageId: 'coins-70', coins: 70, price: { value: 99, currency: 'USD' } });
    const web = await h.request({ method: 'GET', url: '/v1/catalog/coin-packages?region=US&channel=web' });
    expect(web.body.items[0].price.value).toBeLessThan(99);
    const gifts = await h.request({ method: 'GET', url: '/v1/catalog/gifts' });
    expect(gifts.body.items).toContainEqual({ giftId: 'rose', name: 'Rose', coins: 1, diamonds: 1 });
    expect(gifts.body.items).toContainEqual({ giftId: 'universe', name: 'Universe', coins: 44_999, diamonds: 44_999 });
    const items = await h.request({ method: 'GET', url: '/v1/catalog/items' });
    expect(items.body.items.map((i: { kind: string }) => i.kind)).toEqual(expect.arrayContaining(['effect', 'filter', 'sticker', 'promotion']));
  });

  it('publishes an OpenAPI document generated from the DTOs', async () => {
    const r = await h.request({ method: 'GET', url: '/docs/json' });
    expect(r.status).toBe(200);
    expect(Object.keys(r.body.paths)).toEqual(expect.arrayContaining(['/v1/gifts', '/v1/payments/webhook', '/v1/audit/events']));
    expect(r.body.components.schemas.SendGiftBody.required).toEqual(expect.arrayContaining(['creatorId', 'giftId', 'quantity']));
  });
});
