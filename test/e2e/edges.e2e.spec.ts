import { randomUUID } from 'node:crypto';
import { paymentReceived } from '../../libs/domain/src/testing/fixtures';
import { EconomyHarness } from './economy-harness';

/** Every error code API.md names, and that a refused command writes no event. */
describe('errors, auth and strict input', () => {
  let h: EconomyHarness;
  let eventsBefore: bigint;
  const user = (sub: string) => ({ sub, roles: ['user' as const] });

  beforeAll(async () => {
    h = await EconomyHarness.start();
    await h.registerCreator(h.id('cleo'));
    await h.buyCoins(h.id('dan'), 'coins-70', { value: 99, currency: 'USD' });
  });
  afterAll(async () => {
    await h.stop();
  });
  beforeEach(async () => {
    eventsBefore = await h.runtime.eventStore.headPosition();
  });
  const expectNoNewEvent = async () => expect(await h.runtime.eventStore.headPosition()).toBe(eventsBefore);

  const giftAs = (sub: string, body: unknown, headers: Record<string, string> = { 'idempotency-key': `k-${Math.random()}` }) =>
    h.request({ method: 'POST', url: '/v1/gifts', as: user(sub), body, headers });

  it.each([
    ['an unknown field', { creatorId: 'x', giftId: 'rose', quantity: 1, extra: 1 }, 'extra'],
    ['a string quantity', { creatorId: 'x', giftId: 'rose', quantity: '1' }, 'quantity'],
    ['a fractional quantity', { creatorId: 'x', giftId: 'rose', quantity: 1.5 }, 'quantity'],
    ['a zero quantity', { creatorId: 'x', giftId: 'rose', quantity: 0 }, 'quantity'],
    ['a huge quantity', { creatorId: 'x', giftId: 'rose', quantity: 1e20 }, 'quantity'],
    ['a missing field', { creatorId: 'x', quantity: 1 }, 'giftId'],
    ['a bad identifier', { creatorId: 'bad id!', giftId: 'rose', quantity: 1 }, 'creatorId'],
    ['a too long identifier', { creatorId: 'c'.repeat(129), giftId: 'rose', quantity: 1 }, 'creatorId'],
  ])('rejects %s with 400 VALIDATION_FAILED naming the field', async (_, body, field) => {
    const r = await giftAs(h.id('dan'), body);
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('VALIDATION_FAILED');
    expect(r.body.error.details.fields.map((f: { field: string }) => f.field)).toContain(field);
    await expectNoNewEvent();
  });

  it.each([
    ['an array', '[1,2]'],
    ['null', 'null'],
    ['a number', '42'],
    ['broken JSON', '{"creatorId":'],
  ])('rejects %s as a body with 400', async (_, raw) => {
    const r = await h.request({
      method: 'POST', url: '/v1/gifts', as: user(h.id('dan')), rawBody: raw,
      headers: { 'content-type': 'application/json', 'idempotency-key': 'raw' },
    });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('VALIDATION_FAILED');
    await expectNoNewEvent();
  });

  it('answers 413 PAYLOAD_TOO_LARGE over 64 KiB and 415 for a body that is not JSON', async () => {
    const big = await h.request({
      method: 'POST', url: '/v1/gifts', as: user(h.id('dan')), rawBody: JSON.stringify({ pad: 'x'.repeat(70_000) }),
      headers: { 'content-type': 'application/json', 'idempotency-key': 'big' },
    });
    expect(big.status).toBe(413);
    expect(big.body.error.code).toBe('PAYLOAD_TOO_LARGE');
    const text = await h.request({
      method: 'POST', url: '/v1/gifts', as: user(h.id('dan')), rawBody: 'creatorId=x',
      headers: { 'content-type': 'text/plain', 'idempotency-key': 'txt' },
    });
    expect(text.status).toBe(415);
    expect(text.body.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    await expectNoNewEvent();
  });

  it('requires a valid Idempotency-Key on gifts, item purchases and conversions', async () => {
    const body = { creatorId: h.id('cleo'), giftId: 'rose', quantity: 1 };
    const missing = await giftAs(h.id('dan'), body, {});
    expect(missing.status).toBe(400);
    expect(missing.body.error.details.fields[0].field).toBe('Idempotency-Key');
    const tooLong = await giftAs(h.id('dan'), body, { 'idempotency-key': 'k'.repeat(256) });
    expect(tooLong.status).toBe(400);
    const item = await h.request({ method: 'POST', url: '/v1/item-purchases', as: user(h.id('dan')), body: { itemId: 'sticker-heart', quantity: 1 } });
    expect(item.status).toBe(400);
    const conversion = await h.request({ method: 'POST', url: '/v1/creators/me/conversions', as: { sub: h.id('cleo'), roles: ['creator'] }, body: { diamonds: 20_000 } });
    expect(conversion.status).toBe(400);
    await expectNoNewEvent();
  });

  it.each([
    ['no token', undefined],
    ['a malformed token', 'not-a-jwt'],
    ['a token signed with another secret', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4Iiwicm9sZXMiOlsidXNlciJdLCJleHAiOjQxMDI0NDQ4MDB9.c2lnbmF0dXJl'],
  ])('answers 401 UNAUTHENTICATED with %s', async (_, token) => {
    const r = await h.request({
      method: 'POST', url: '/v1/gifts', body: { creatorId: h.id('cleo'), giftId: 'rose', quantity: 1 },
      headers: { 'idempotency-key': 'a', ...(token !== undefined && { authorization: `Bearer ${token}` }) },
    });
    expect(r.status).toBe(401);
    expect(r.body.error.code).toBe('UNAUTHENTICATED');
    await expectNoNewEvent();
  });

  it('answers 401 for an expired token and for a subject that is not an identifier', async () => {
    const expired = await h.request({ method: 'GET', url: '/v1/wallets/me', as: h.token(h.id('dan'), ['user'], -10) });
    expect(expired.status).toBe(401);
    const badSub = await h.request({ method: 'GET', url: '/v1/wallets/me', as: h.token('bad sub!', ['user']) });
    expect(badSub.status).toBe(401);
  });

  it('answers 403 FORBIDDEN for a missing role or another user\'s data', async () => {
    const noRole = await h.request({ method: 'POST', url: '/v1/creators/me', as: user(h.id('dan')) });
    expect(noRole.status).toBe(403);
    expect(noRole.body.error.code).toBe('FORBIDDEN');
    const other = await h.request({ method: 'GET', url: `/v1/wallets/${h.id('cleo')}`, as: user(h.id('dan')) });
    expect(other.status).toBe(403);
    const analystOnly = await h.request({ method: 'GET', url: '/v1/analytics/liability', as: user(h.id('dan')) });
    expect(analystOnly.status).toBe(403);
    const auditOnly = await h.request({ method: 'GET', url: '/v1/audit/events', as: { sub: 'ana', roles: ['analyst'] } });
    expect(auditOnly.status).toBe(403);
    await expectNoNewEvent();
  });

  it('answers 404 UNKNOWN_GIFT, UNKNOWN_CREATOR, NOT_FOUND, and 422 SELF_GIFT / INSUFFICIENT_COINS', async () => {
    const dan = h.id('dan');
    const unknownGift = await giftAs(dan, { creatorId: h.id('cleo'), giftId: 'unicorn', quantity: 1 });
    expect([unknownGift.status, unknownGift.body.error.code]).toEqual([404, 'UNKNOWN_GIFT']);
    const unknownCreator = await giftAs(dan, { creatorId: h.id('nobody'), giftId: 'rose', quantity: 1 });
    expect([unknownCreator.status, unknownCreator.body.error.code]).toEqual([404, 'UNKNOWN_CREATOR']);
    const poor = await giftAs(dan, { creatorId: h.id('cleo'), giftId: 'lion', quantity: 1 });
    expect([poor.status, poor.body.error.code]).toEqual([422, 'INSUFFICIENT_COINS']);
    expect(poor.body.error.details).toMatchObject({ balance: 70, required: 29_999 });
    const self = await giftAs(h.id('cleo'), { creatorId: h.id('cleo'), giftId: 'rose', quantity: 1 });
    expect([self.status, self.body.error.code]).toEqual([422, 'SELF_GIFT']);
    const route = await h.request({ method: 'GET', url: '/v1/nowhere', as: user(dan) });
    expect([route.status, route.body.error.code]).toEqual([404, 'NOT_FOUND']);
    const earnings = await h.request({ method: 'GET', url: `/v1/creators/${h.id('nobody')}/earnings`, as: { sub: 'ana', roles: ['analyst'] } });
    expect([earnings.status, earnings.body.error.code]).toEqual([404, 'UNKNOWN_CREATOR']);
    await expectNoNewEvent();
  });

  it('accepts only correctly signed, fresh webhooks at the catalog price', async () => {
    const body = { paymentId: `pay-${h.run}-w`, userId: h.id('erin'), packageId: 'coins-70', region: 'US', channel: 'web', amount: { value: 74, currency: 'USD' }, status: 'succeeded' };
    const forged = await h.webhook(body, { secret: 'another-secret-another-secret-another' });
    expect([forged.status, forged.body.error.code]).toEqual([401, 'UNAUTHENTICATED']);
    const stale = await h.webhook(body, { timestamp: Math.floor(Date.now() / 1000) - 301 });
    expect(stale.status).toBe(401);
    const unsigned = await h.request({ method: 'POST', url: '/v1/payments/webhook', body });
    expect(unsigned.status).toBe(401);
    const wrongPrice = await h.webhook({ ...body, amount: { value: 99, currency: 'USD' } });
    expect([wrongPrice.status, wrongPrice.body.error.code]).toEqual([422, 'PRICE_MISMATCH']);
    const unknownPackage = await h.webhook({ ...body, packageId: 'coins-1' });
    expect([unknownPackage.status, unknownPackage.body.error.code]).toEqual([404, 'UNKNOWN_PACKAGE']);
    await expectNoNewEvent();

    const ok = await h.webhook(body);
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ paymentId: body.paymentId, coins: 70, balance: 70 });
    const again = await h.webhook(body);
    expect(again.body).toEqual(ok.body);
    expect(await h.runtime.eventStore.headPosition()).toBe(BigInt(ok.body.position));
  });

  it('answers 409 IDEMPOTENCY_KEY_REUSED for the same key with another body, and replays the same body', async () => {
    const dan = h.id('dan');
    const first = await giftAs(dan, { creatorId: h.id('cleo'), giftId: 'rose', quantity: 1 }, { 'idempotency-key': 'same' });
    expect(first.status).toBe(201);
    const replay = await giftAs(dan, { creatorId: h.id('cleo'), giftId: 'rose', quantity: 1 }, { 'idempotency-key': 'same' });
    expect(replay.status).toBe(201);
    expect(replay.body).toEqual(first.body);
    const revision = await h.runtime.eventStore.streamRevision(`wallet-${dan}`);
    const other = await giftAs(dan, { creatorId: h.id('cleo'), giftId: 'rose', quantity: 2 }, { 'idempotency-key': 'same' });
    expect([other.status, other.body.error.code]).toEqual([409, 'IDEMPOTENCY_KEY_REUSED']);
    expect(await h.runtime.eventStore.streamRevision(`wallet-${dan}`)).toBe(revision);
    const wallet = await h.request({ method: 'GET', url: `/v1/wallets/me?minPosition=${first.body.position}`, as: user(dan) });
    expect(wallet.body.coinsSpent).toBe(1);
  });

  it('answers 503 UNAVAILABLE with the checkpoint when minPosition is not reached in time', async () => {
    const r = await h.request({ method: 'GET', url: '/v1/wallets/me?minPosition=999999999', as: user(h.id('dan')) });
    expect(r.status).toBe(503);
    expect(r.body.error.code).toBe('UNAVAILABLE');
    expect(r.body.error.details.checkpoint).toEqual(expect.any(Number));
  }, 15_000);

  it('reads wallet transactions off the log: a position past its head is 503 with the head, one already committed is at once', async () => {
    const dan = h.id('dan');
    const head = await h.runtime.eventStore.headPosition();
    const later = await h.request({ method: 'GET', url: `/v1/wallets/me/transactions?minPosition=${head + 1_000_000n}`, as: user(dan) });
    expect([later.status, later.body.error.code, later.body.error.details.checkpoint]).toEqual([503, 'UNAVAILABLE', expect.any(Number)]);
    expect(later.body.error.details.checkpoint).toBeGreaterThanOrEqual(Number(head));

    const bought = await h.buyCoins(dan);
    const now = await h.request({ method: 'GET', url: `/v1/wallets/me/transactions?minPosition=${bought.body.position}&limit=1`, as: user(dan) });
    expect(now.status).toBe(200);
    expect(now.body.asOfPosition).toBeGreaterThanOrEqual(bought.body.position);
    expect(now.body.items).toEqual([expect.objectContaining({ kind: 'coins_purchased', coins: 70, position: bought.body.position })]);
  }, 15_000);

  it('rejects bad query parameters with 400', async () => {
    const dan = h.id('dan');
    for (const url of ['/v1/wallets/me?minPosition=-1', '/v1/wallets/me/transactions?limit=501', '/v1/wallets/me/transactions?cursor=zzz']) {
      const r = await h.request({ method: 'GET', url, as: user(dan) });
      expect([url, r.status]).toEqual([url, 400]);
    }
  });

  it('rate-limits a caller with 429 RATE_LIMITED', async () => {
    const limited = await EconomyHarness.start({ RATE_LIMIT_PER_MINUTE: '3' });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) statuses.push((await limited.request({ method: 'GET', url: '/v1/wallets/me', as: user('fay') })).status);
      expect(statuses.slice(0, 3)).toEqual([200, 200, 200]);
      expect(statuses[4]).toBe(429);
    } finally {
      await limited.stop();
    }
  });
});

describe('smaller promises of the contract', () => {
  let h: EconomyHarness;
  beforeAll(async () => {
    h = await EconomyHarness.start();
  });
  afterAll(async () => {
    await h.stop();
  });

  it('never credits one paymentId to two wallets', async () => {
    const paymentId = `pay-${h.run}-shared`;
    const body = { paymentId, packageId: 'coins-70', region: 'US', channel: 'app_store', amount: { value: 99, currency: 'USD' }, status: 'succeeded' };
    expect((await h.webhook({ ...body, userId: h.id('una') })).status).toBe(200);
    const other = await h.webhook({ ...body, userId: h.id('vic') });
    expect([other.status, other.body.error.code]).toEqual([409, 'IDEMPOTENCY_KEY_REUSED']);
    expect(await h.runtime.eventStore.readStream(`wallet-${h.id('vic')}`)).toEqual([]);
  });

  it('records the payment in its own stream, and a retry after a crash between the two appends completes the credit', async () => {
    const paymentId = `pay-${h.run}-interrupted`;
    const userId = h.id('ivy');
    const body = { paymentId, userId, packageId: 'coins-70', region: 'US', channel: 'app_store', amount: { value: 99, currency: 'USD' }, status: 'succeeded' };
    // The first delivery got as far as recording the payment, then the process died.
    await h.runtime.eventStore.appendToStream(`payment-${paymentId}`, [
      { eventId: randomUUID(), type: 'PaymentReceived', data: paymentReceived({ paymentId, userId }).data, metadata: { correlationId: 'c', causationId: 'c', actorId: 'payment-provider', occurredAt: new Date().toISOString(), schemaVersion: 1 } },
    ], { expectedRevision: 'no_stream' });

    const retried = await h.webhook(body);

    expect([retried.status, retried.body.coins, retried.body.balance]).toEqual([200, 70, 70]);
    expect((await h.runtime.eventStore.readStream(`payment-${paymentId}`)).map((e) => e.type)).toEqual(['PaymentReceived']);
    expect((await h.runtime.eventStore.readStream(`wallet-${userId}`)).map((e) => e.type)).toEqual(['CoinsPurchased']);
  });

  it('refuses a webhook whose status is not succeeded', async () => {
    const r = await h.webhook({ paymentId: 'p-failed', userId: 'x', packageId: 'coins-70', region: 'US', channel: 'web', amount: { value: 74, currency: 'USD' }, status: 'failed' });
    expect([r.status, r.body.error.code]).toEqual([400, 'VALIDATION_FAILED']);
  });

  it('answers UNKNOWN_CREATOR to a creator converting before registering, and a target only for promotions', async () => {
    const conversion = await h.request({
      method: 'POST', url: '/v1/creators/me/conversions', as: { sub: h.id('wes'), roles: ['creator'] }, body: { diamonds: 20_000 }, headers: { 'idempotency-key': 'x' },
    });
    expect([conversion.status, conversion.body.error.code]).toEqual([404, 'UNKNOWN_CREATOR']);
    const sticker = await h.request({
      method: 'POST', url: '/v1/item-purchases', as: { sub: h.id('una'), roles: ['user'] }, body: { itemId: 'sticker-heart', quantity: 1, target: 'video-1' }, headers: { 'idempotency-key': 'y' },
    });
    expect([sticker.status, sticker.body.error.details.fields[0].field]).toEqual([400, 'target']);
  });

  it('registers a creator once: the second call changes nothing and says so with 200', async () => {
    const first = await h.registerCreator(h.id('xia'));
    const second = await h.registerCreator(h.id('xia'));
    expect([first.status, second.status]).toEqual([201, 200]);
    expect(second.body.position).toBe(first.body.position);
    expect(await h.runtime.eventStore.streamRevision(`creator-${h.id('xia')}`)).toBe(0n);
  });

  it('echoes the caller\'s correlation id, or makes one, on every response', async () => {
    const given = await h.request({ method: 'GET', url: '/v1/catalog/gifts', headers: { 'x-correlation-id': 'trace-123' } });
    expect(given.headers['x-correlation-id']).toBe('trace-123');
    const made = await h.request({ method: 'GET', url: '/v1/catalog/gifts' });
    expect(made.headers['x-correlation-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('serves the OpenAPI UI at /docs', async () => {
    const r = await h.request({ method: 'GET', url: '/docs' });
    expect(r.status).toBe(200);
    expect(String(r.body)).toContain('swagger');
  });
});
