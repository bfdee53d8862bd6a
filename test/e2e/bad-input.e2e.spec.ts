import { EconomyHarness } from './economy-harness';

/** "No 500 for bad input" (API.md): every route, fed a spread of malformed values. */
describe('bad input never causes a 5xx nor an event', () => {
  let h: EconomyHarness;
  beforeAll(async () => {
    h = await EconomyHarness.start();
    await h.registerCreator('cara');
    await h.buyCoins('ben', 'coins-70', { value: 99, currency: 'USD' });
  });
  afterAll(async () => {
    await h.stop();
  });

  const weird: unknown[] = [
    null, true, -1, 0, 1.5, 2 ** 53, -(2 ** 53), 1e308, '', ' ', 'x'.repeat(5000), '😀', '../../etc', '$where', [], [1], {}, { $gt: '' },
    { __proto__: { admin: true } }, '1e3', 'NaN', '0x10',
  ];
  const bodies: Array<[string, Record<string, unknown>]> = [
    ['/v1/gifts', { creatorId: 'cara', giftId: 'rose', quantity: 1 }],
    ['/v1/item-purchases', { itemId: 'sticker-heart', quantity: 1 }],
    ['/v1/creators/me/conversions', { diamonds: 20_000 }],
  ];

  it.each(bodies)('POST %s with every field replaced by a malformed value', async (url, valid) => {
    const before = await h.runtime.eventStore.headPosition();
    for (const field of [...Object.keys(valid), '__proto__', 'constructor']) {
      for (const value of weird) {
        const r = await h.request({
          method: 'POST', url, as: { sub: 'ben', roles: ['user', 'creator'] },
          rawBody: JSON.stringify({ ...valid, [field]: value }), headers: { 'content-type': 'application/json', 'idempotency-key': `k-${field}-${JSON.stringify(value)?.slice(0, 40)}` },
        });
        expect([field, value, r.status < 500]).toEqual([field, value, true]);
      }
    }
    expect(await h.runtime.eventStore.headPosition()).toBe(before);
  });

  it('GET routes with malformed path and query values', async () => {
    const values = ['%00', '..%2F..', "'%20OR%201=1", 'x'.repeat(300), '-1', '1e400', '99999999999999999999999', '%F0%9F%98%80', '[]', '{}'];
    const as = { sub: 'auditor', roles: ['auditor' as const, 'analyst' as const, 'admin' as const] };
    for (const v of values) {
      for (const url of [
        `/v1/wallets/${v}`, `/v1/wallets/me/transactions?limit=${v}&cursor=${v}&minPosition=${v}`, `/v1/creators/${v}/earnings`,
        `/v1/audit/streams/${v}?fromRevision=${v}`, `/v1/audit/streams/wallet-${v}`, `/v1/audit/events?fromPosition=${v}&type=${v}&cursor=${v}`,
        `/v1/audit/wallets/${v}/balance?at=${v}`, `/v1/audit/creators/cara/balance?at=${v}`,
        `/v1/analytics/leaderboards/creators?from=${v}&to=${v}&limit=${v}`, `/v1/analytics/revenue?groupBy=${v}`,
        `/v1/catalog/coin-packages?region=${v}&channel=${v}`,
      ]) {
        const r = await h.request({ method: 'GET', url, as });
        expect([url, r.status < 500]).toEqual([url, true]);
      }
    }
  });

  it('tokens with malformed parts are 401, never 5xx', async () => {
    const junk = ['a.b.c', '...', 'eyJ9.eyJ9.x', `${Buffer.from('{"alg":"HS256"}').toString('base64url')}.${Buffer.from('[]').toString('base64url')}.x`, 'x'.repeat(10_000)];
    for (const token of junk) {
      const r = await h.request({ method: 'GET', url: '/v1/wallets/me', headers: { authorization: `Bearer ${token}` } });
      expect([token.slice(0, 20), r.status]).toEqual([token.slice(0, 20), 401]);
    }
  });
});
