import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EconomyHarness } from './economy-harness';

describe('concurrent commands on one wallet', () => {
  let h: EconomyHarness;
  beforeAll(async () => {
    h = await EconomyHarness.start();
  });
  afterAll(async () => {
    await h.stop();
  });

  it('accepts exactly the affordable number of 50 concurrent gifts and never overdraws', async () => {
    const gina = h.id('gina');
    const hugo = h.id('hugo');
    await h.registerCreator(hugo);
    await h.buyCoins(gina, 'coins-350', { value: 499, currency: 'USD' }); // 350 coins: 17 perfumes of 20
    const replies = await Promise.all(
      Array.from({ length: 50 }, () => h.gift(gina, { creatorId: hugo, giftId: 'perfume', quantity: 1 })),
    );
    const accepted = replies.filter((r) => r.status === 201);
    const refused = replies.filter((r) => r.status === 422);
    expect(accepted).toHaveLength(17);
    expect(refused).toHaveLength(33);
    expect(refused.every((r) => r.body.error.code === 'INSUFFICIENT_COINS')).toBe(true);
    expect(accepted.map((r) => r.body.balance).sort((a, b) => a - b)).toEqual(Array.from({ length: 17 }, (_, i) => 10 + 20 * i));

    const last = Math.max(...accepted.map((r) => r.body.position));
    const wallet = await h.request({ method: 'GET', url: `/v1/wallets/me?minPosition=${last}`, as: { sub: gina, roles: ['user'] } });
    expect(wallet.body).toMatchObject({ balance: 10, coinsSpent: 340 });
    const events = await h.runtime.eventStore.readStream(`wallet-${gina}`);
    expect(events.filter((e) => e.type === 'GiftSent')).toHaveLength(17);
    const earnings = await h.eventually(`/v1/creators/${hugo}/earnings`, { sub: hugo, roles: ['creator'] }, (r) => r.body.diamondsEarned === 340);
    expect(earnings.body).toMatchObject({ diamondsEarned: 340, giftsReceived: 17 });
  });

  it('appends once when the same idempotency key is sent 20 times at once, and answers each the same', async () => {
    const ivan = h.id('ivan');
    const jade = h.id('jade');
    await h.registerCreator(jade);
    await h.buyCoins(ivan, 'coins-700', { value: 999, currency: 'USD' });
    const key = randomUUID();
    const replies = await Promise.all(
      Array.from({ length: 20 }, () => h.gift(ivan, { creatorId: jade, giftId: 'hat-and-mustache', quantity: 2 }, key)),
    );
    expect(replies.map((r) => r.status)).toEqual(Array(20).fill(201));
    expect(new Set(replies.map((r) => JSON.stringify(r.body))).size).toBe(1);
    expect(replies[0]!.body).toMatchObject({ coinsSpent: 198, balance: 502 });
    const gifts = (await h.runtime.eventStore.readStream(`wallet-${ivan}`)).filter((e) => e.type === 'GiftSent');
    expect(gifts).toHaveLength(1);
  });

  it('keeps idempotency keys across a restart: the retry after a restart returns the first response', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'coinstream-restart-'));
    const first = await EconomyHarness.start({ DATA_DIR: dataDir });
    const kim = first.id('kim');
    const lea = first.id('lea');
    let firstReply;
    try {
      await first.registerCreator(lea);
      await first.buyCoins(kim, 'coins-70', { value: 99, currency: 'USD' });
      firstReply = await first.gift(kim, { creatorId: lea, giftId: 'finger-heart', quantity: 2 }, 'restart-key');
      expect(firstReply.status).toBe(201);
    } finally {
      await first.app.close();
      await first.runtime.close();
    }
    const second = await EconomyHarness.start({ DATA_DIR: dataDir });
    try {
      const retry = await second.gift(kim, { creatorId: lea, giftId: 'finger-heart', quantity: 2 }, 'restart-key');
      expect(retry.status).toBe(201);
      expect(retry.body).toEqual(firstReply.body);
      const gifts = (await second.runtime.eventStore.readStream(`wallet-${kim}`)).filter((e) => e.type === 'GiftSent');
      expect(gifts).toHaveLength(1);
    } finally {
      await second.stop();
    }
  });
});
