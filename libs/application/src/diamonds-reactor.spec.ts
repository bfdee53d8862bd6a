import { SqliteEventStore } from '../../event-store/src/embedded/sqlite-event-store';
import { SqliteReadStore } from '../../read-models/src/embedded/sqlite-read-store';
import { creatorDecider, creatorStream, defaultCatalog, walletDecider, walletStream } from '../../domain/src';
import { CommandExecutor } from './command-executor';
import { DIAMONDS_REACTOR, DiamondsReactor } from './diamonds-reactor';
import { deterministicUuid } from './event-ids';
import { silentLogger } from './logger';

const catalog = defaultCatalog();
const now = '2026-11-25T10:00:00.000Z';

async function until(condition: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** In-memory stores with a registered creator and a wallet holding 700 coins. */
async function economyWith(creatorId: string, userId: string) {
  const eventStore = SqliteEventStore.open({ file: ':memory:' });
  const readStore = SqliteReadStore.open({ file: ':memory:' });
  await readStore.init([{ name: DIAMONDS_REACTOR, collections: [] }]);
  const executor = new CommandExecutor(eventStore);
  const creatorModel = creatorDecider(catalog);
  const walletModel = walletDecider(catalog);
  const base = { actorId: 'x', correlationId: 'c', causationId: 'c' };
  await executor.execute({ ...base, streamName: creatorStream(creatorId), model: creatorModel, command: { type: 'RegisterCreator', data: { creatorId, now } } });
  await executor.execute({
    ...base, streamName: walletStream(userId), model: walletModel,
    command: { type: 'PurchaseCoins', data: { userId, paymentId: 'p', packageId: 'coins-700', region: 'US', channel: 'app_store', amount: { value: 999, currency: 'USD' }, now } },
  });
  return { eventStore, readStore, executor, creatorModel, walletModel, base };
}

describe('DiamondsReactor', () => {
  it('credits each gift exactly once, even when it dies after crediting and before its checkpoint', async () => {
    const { eventStore, readStore, executor, creatorModel, walletModel, base } = await economyWith('bella', 'alice');
    for (const [i, giftId] of ['rose', 'perfume', 'money-gun'].entries()) {
      await executor.execute({
        ...base, streamName: walletStream('alice'), model: walletModel,
        command: { type: 'SendGift', data: { giftTxnId: `g${i}`, senderId: 'alice', creatorId: 'bella', giftId, quantity: 1, now } },
      });
    }

    // A reactor whose checkpoint write always fails: it credits, then "dies" before recording progress.
    const crashing = new DiamondsReactor({
      eventStore, executor, creatorModel, logger: silentLogger, retryDelayMs: 5,
      readStore: Object.assign(Object.create(readStore) as SqliteReadStore, { applyBatch: () => Promise.reject(new Error('power cut')) }),
    });
    await crashing.start();
    const credits = async () => (await eventStore.readStream(creatorStream('bella'))).filter((e) => e.type === 'DiamondsCredited');
    await until(async () => (await credits()).length === 3);
    await crashing.stop();
    expect(await readStore.checkpoint(DIAMONDS_REACTOR)).toBeNull();

    // Restarted from the old checkpoint, with a fresh executor (as a new process would be).
    const restarted = new DiamondsReactor({ eventStore, readStore, executor: new CommandExecutor(eventStore), creatorModel, logger: silentLogger });
    await restarted.start();
    const head = await eventStore.headPosition();
    await until(async () => ((await restarted.status()).checkpoint ?? 0n) >= head);
    await restarted.stop();
    // Saved on the way out, so the next start resumes from there.
    expect(await readStore.checkpoint(DIAMONDS_REACTOR)).toBe(head);

    const credited = await credits();
    expect(credited).toHaveLength(3);
    expect(credited.map((e) => (e.data as { diamonds: number }).diamonds)).toEqual([1, 20, 500]);
    expect(credited.every((e) => e.metadata.actorId === `system:${DIAMONDS_REACTOR}`)).toBe(true);
    await eventStore.close();
    await readStore.close();
  });

  it("credits a creator's gifts read together in one append, each credit caused by its gift and named after it", async () => {
    const { eventStore, readStore, executor, creatorModel, walletModel, base } = await economyWith('star', 'fan');
    for (let i = 0; i < 50; i++) {
      await executor.execute({
        ...base, correlationId: `request-${i}`, streamName: walletStream('fan'), model: walletModel,
        command: { type: 'SendGift', data: { giftTxnId: `g${i}`, senderId: 'fan', creatorId: 'star', giftId: 'rose', quantity: 1, now } },
      });
    }
    const gifts = (await eventStore.readStream(walletStream('fan'))).filter((e) => e.type === 'GiftSent');
    const appendsBefore = eventStore.stats().appends;

    const reactor = new DiamondsReactor({ eventStore, readStore, executor, creatorModel, logger: silentLogger });
    const reported: bigint[] = [];
    reactor.credited$.subscribe((position) => reported.push(position));
    await reactor.start();
    const credits = async () => (await eventStore.readStream(creatorStream('star'))).filter((e) => e.type === 'DiamondsCredited');
    await until(async () => (await credits()).length === 50);
    const head = await eventStore.headPosition();
    await until(async () => reported.at(-1) === head);
    await reactor.stop();

    // Each batch reports how far it credited: the one that read the gifts, then the one that read their credit.
    expect(reported).toEqual([gifts.at(-1)!.position, head]);
    expect(eventStore.stats().appends - appendsBefore).toBe(1);
    const credited = await credits();
    expect(credited.map((e) => e.metadata.causationId)).toEqual(gifts.map((g) => g.eventId));
    expect(credited.map((e) => e.metadata.correlationId)).toEqual(gifts.map((_, i) => `request-${i}`));
    expect(credited.map((e) => e.eventId)).toEqual(gifts.map((g) => deterministicUuid(`credit|${g.eventId}|0`)));
    await eventStore.close();
    await readStore.close();
  });

  it('with a batch interval, credits the first gift of a quiet spell at once and a steady flow in few appends', async () => {
    const { eventStore, readStore, executor, creatorModel, walletModel, base } = await economyWith('nova', 'ray');
    const reactor = new DiamondsReactor({ eventStore, readStore, executor, creatorModel, logger: silentLogger, batchIntervalMs: 600 });
    await reactor.start();
    // It reads the registration and the purchase first; then a quiet spell longer than the interval.
    const head = await eventStore.headPosition();
    await until(async () => ((await reactor.status()).checkpoint ?? 0n) >= head);
    await new Promise((resolve) => setTimeout(resolve, 650));
    const sendGift = (i: number) =>
      executor.execute({
        ...base, streamName: walletStream('ray'), model: walletModel,
        command: { type: 'SendGift', data: { giftTxnId: `g${i}`, senderId: 'ray', creatorId: 'nova', giftId: 'rose', quantity: 1, now } },
      });
    const credits = async () => (await eventStore.readStream(creatorStream('nova'))).filter((e) => e.type === 'DiamondsCredited');
    const creditAppends = async () => new Set((await credits()).map((e) => e.position - e.revision)).size;

    await sendGift(0);
    // Well inside the interval: the store was quiet, so nothing held the credit back.
    await until(async () => (await credits()).length === 1, 500);
    // A steady flow: ten gifts 30 ms apart, each of which would otherwise be read, and credited, alone.
    for (let i = 1; i <= 10; i++) {
      await new Promise((resolve) => setTimeout(resolve, 30));
      await sendGift(i);
    }
    await until(async () => (await credits()).length === 11);
    await reactor.stop();
    expect(await creditAppends()).toBeLessThanOrEqual(3);
    await eventStore.close();
    await readStore.close();
  });

  it('with a batch interval, credits a backlog of full batches without pausing between them', async () => {
    const { eventStore, readStore, executor, creatorModel, walletModel, base } = await economyWith('lux', 'kai');
    for (const paymentId of ['p2', 'p3']) {
      await executor.execute({
        ...base, streamName: walletStream('kai'), model: walletModel,
        command: { type: 'PurchaseCoins', data: { userId: 'kai', paymentId, packageId: 'coins-700', region: 'US', channel: 'app_store', amount: { value: 999, currency: 'USD' }, now } },
      });
    }
    // More gifts than one batch holds (1,000 events).
    for (let i = 0; i < 1_500; i++) {
      await executor.execute({
        ...base, streamName: walletStream('kai'), model: walletModel,
        command: { type: 'SendGift', data: { giftTxnId: `g${i}`, senderId: 'kai', creatorId: 'lux', giftId: 'rose', quantity: 1, now } },
      });
    }
    // Waiting the interval after the first, full batch would take five seconds.
    const reactor = new DiamondsReactor({ eventStore, readStore, executor, creatorModel, logger: silentLogger, batchIntervalMs: 5_000 });
    await reactor.start();
    const credits = async () => (await eventStore.readStream(creatorStream('lux'))).filter((e) => e.type === 'DiamondsCredited');
    await until(async () => (await credits()).length === 1_500, 3_000);
    await reactor.stop();
    await eventStore.close();
    await readStore.close();
  });
});
