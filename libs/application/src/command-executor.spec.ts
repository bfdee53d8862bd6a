import { SqliteEventStore } from '../../event-store/src/embedded/sqlite-event-store';
import { WrongExpectedRevisionError, type EventStore } from '../../event-store/src/event-store.port';
import { defaultCatalog, walletDecider, walletStream, type WalletCommand } from '../../domain/src';
import { CommandExecutor } from './command-executor';
import { ConcurrencyConflictError, IdempotencyKeyReusedError } from './errors';

const catalog = defaultCatalog();
const wallet = walletDecider(catalog);
const now = '2026-11-25T10:00:00.000Z';

const purchase = (userId: string, paymentId: string): WalletCommand => ({
  type: 'PurchaseCoins',
  data: { userId, paymentId, packageId: 'coins-70', region: 'US', channel: 'app_store', amount: { value: 99, currency: 'USD' }, now },
});
const gift = (senderId: string, giftTxnId: string): WalletCommand => ({
  type: 'SendGift',
  data: { giftTxnId, senderId, creatorId: 'bella', giftId: 'rose', quantity: 1, now },
});
const request = (command: WalletCommand, extra: { idempotencyKey?: string; requestHash?: string } = {}) => ({
  streamName: walletStream('alice'),
  model: wallet,
  command,
  actorId: 'alice',
  correlationId: 'c',
  causationId: 'c',
  ...extra,
});

/** The same on another user's wallet. */
const on = (userId: string, command: WalletCommand, idempotencyKey?: string) => ({
  ...request(command, { idempotencyKey }),
  streamName: walletStream(userId),
  actorId: userId,
});

describe('CommandExecutor', () => {
  let store: SqliteEventStore;
  beforeEach(() => {
    store = SqliteEventStore.open({ file: ':memory:' });
  });
  afterEach(async () => {
    await store.close();
  });

  it('appends what the decider decides and returns the state after it', async () => {
    const executor = new CommandExecutor(store);
    await executor.execute(request(purchase('alice', 'p1')));
    const outcome = await executor.execute(request(gift('alice', 'g1')));
    expect(outcome.kind).toBe('appended');
    expect(outcome.state.balance).toBe(69);
    expect(outcome.revision).toBe(1n);
    expect((await store.readStream(walletStream('alice'))).map((e) => e.type)).toEqual(['CoinsPurchased', 'GiftSent']);
  });

  it('catches up with a stream another process wrote, instead of failing', async () => {
    const here = new CommandExecutor(store);
    const elsewhere = new CommandExecutor(store);
    await here.execute(request(purchase('alice', 'p1')));
    await elsewhere.execute(request(purchase('alice', 'p2')));
    const outcome = await here.execute(request(gift('alice', 'g1')));
    expect(outcome.state.balance).toBe(139);
    expect(outcome.revision).toBe(2n);
  });

  it('does not believe a refusal decided on a stale cache: it catches up and decides again', async () => {
    const here = new CommandExecutor(store);
    const elsewhere = new CommandExecutor(store);
    await here.execute(request(purchase('alice', 'p1')));
    await elsewhere.execute(request(purchase('alice', 'p2')));
    const bigGift: WalletCommand = { type: 'SendGift', data: { giftTxnId: 'big', senderId: 'alice', creatorId: 'bella', giftId: 'hat-and-mustache', quantity: 1, now } };
    // 99 coins: more than the 70 `here` has cached, less than the 140 the stream holds.
    const outcome = await here.execute(request(bigGift));
    expect(outcome.kind).toBe('appended');
    expect(outcome.state.balance).toBe(41);
  });

  it('answers a read-only load from the cache only when the caller accepts the cached state', async () => {
    const here = new CommandExecutor(store);
    const elsewhere = new CommandExecutor(store);
    await here.execute(request(purchase('alice', 'p1')));
    await elsewhere.execute(request(purchase('alice', 'p2')));
    expect((await here.load(walletStream('alice'), wallet, (s) => s.balance > 0)).state.balance).toBe(70);
    expect((await here.load(walletStream('alice'), wallet)).state.balance).toBe(140);
  });

  it('answers an accepted cached state without queueing behind a command in flight on that stream', async () => {
    let holdAppends = false;
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const gated: EventStore = Object.assign(Object.create(store) as EventStore, {
      appendToStream: async (...args: Parameters<EventStore['appendToStream']>) => {
        if (holdAppends) await released;
        return store.appendToStream(...args);
      },
    });
    const executor = new CommandExecutor(gated);
    await executor.execute(request(purchase('alice', 'p1')));
    holdAppends = true;
    // Holds alice's stream until its append is let through (as a credit waits for its commit).
    const inFlight = executor.execute(request(purchase('alice', 'p2')));

    const queuedBehind = new Promise<'queued'>((resolve) => setTimeout(() => resolve('queued'), 1000));
    const loaded = await Promise.race([executor.load(walletStream('alice'), wallet, (s) => s.balance > 0), queuedBehind]);
    expect(loaded).not.toBe('queued');
    expect(loaded).toMatchObject({ state: { balance: 70 }, revision: 0n });

    release();
    expect((await inFlight).state.balance).toBe(140);
    expect((await executor.load(walletStream('alice'), wallet)).state.balance).toBe(140);
  });

  it('gives up with ConcurrencyConflictError after the bounded number of conflicts', async () => {
    let appends = 0;
    const alwaysConflicting: EventStore = Object.assign(Object.create(store) as EventStore, {
      readStream: () => Promise.resolve([]),
      appendToStream: (name: string) => {
        appends += 1;
        return Promise.reject(new WrongExpectedRevisionError(name, 'no_stream', 0n));
      },
    });
    const executor = new CommandExecutor(alwaysConflicting, { maxAttempts: 3 });
    await expect(executor.execute(request(purchase('alice', 'p1')))).rejects.toBeInstanceOf(ConcurrencyConflictError);
    expect(appends).toBe(3);
  });

  it('replays an idempotency key from the stream itself, even in a new process, and refuses it for another request', async () => {
    const first = new CommandExecutor(store);
    await first.execute(request(purchase('alice', 'p1')));
    const original = await first.execute(request(gift('alice', 'g1'), { idempotencyKey: 'k', requestHash: 'h1' }));
    const restarted = new CommandExecutor(store);
    const replay = await restarted.execute(request(gift('alice', 'g-other-id'), { idempotencyKey: 'k', requestHash: 'h1' }));
    expect(replay.kind).toBe('replayed');
    expect(replay.events).toEqual(original.events);
    expect(replay.position).toBe(original.position);
    expect(replay.state.balance).toBe(69);
    await expect(restarted.execute(request(gift('alice', 'g2'), { idempotencyKey: 'k', requestHash: 'h2' }))).rejects.toBeInstanceOf(
      IdempotencyKeyReusedError,
    );
    expect(await store.streamRevision(walletStream('alice'))).toBe(1n);
  });

  it("replays a key whose events open the stream (revision 0), from the cache and from a new process", async () => {
    const executor = new CommandExecutor(store);
    const original = await executor.execute(request(purchase('alice', 'p1'), { idempotencyKey: 'k0', requestHash: 'h' }));
    const again = await executor.execute(request(purchase('alice', 'p1'), { idempotencyKey: 'k0', requestHash: 'h' }));
    const restarted = await new CommandExecutor(store).execute(request(purchase('alice', 'p1'), { idempotencyKey: 'k0', requestHash: 'h' }));

    expect(original.revision).toBe(0n);
    expect(again).toEqual({ ...original, kind: 'replayed' });
    expect(restarted).toEqual({ ...original, kind: 'replayed' });
    expect(await store.streamRevision(walletStream('alice'))).toBe(0n);
  });

  it('keeps only where a key is in the stream: an older key is answered from the stream with the state right after its first run', async () => {
    const executor = new CommandExecutor(store);
    await executor.execute(request(purchase('alice', 'p1')));
    const first = await executor.execute(request(gift('alice', 'g1'), { idempotencyKey: 'k1', requestHash: 'h1' }));
    await executor.execute(request(gift('alice', 'g2'), { idempotencyKey: 'k2', requestHash: 'h2' }));
    const readsBefore = jest.spyOn(store, 'readStream');

    const replay = await executor.execute(request(gift('alice', 'g1-again'), { idempotencyKey: 'k1', requestHash: 'h1' }));

    expect(readsBefore).toHaveBeenCalledTimes(1);
    expect(replay).toEqual({ ...first, kind: 'replayed' });
    expect(replay.state.balance).toBe(69);
    await expect(executor.execute(request(gift('alice', 'g3'), { idempotencyKey: 'k1', requestHash: 'other' }))).rejects.toBeInstanceOf(
      IdempotencyKeyReusedError,
    );
    expect(await store.streamRevision(walletStream('alice'))).toBe(2n);
  });

  it('bounds the idempotency keys its cache holds: least recently used streams leave, and their keys are read back with them', async () => {
    const executor = new CommandExecutor(store, { cachedKeys: 3 });
    await executor.execute(request(purchase('alice', 'p1'), { idempotencyKey: 'a1' }));
    const aliceLatest = await executor.execute(request(gift('alice', 'g1'), { idempotencyKey: 'a2' }));
    await executor.execute(on('bob', purchase('bob', 'p2'), 'b1'));
    // The fourth key: alice, used least recently, leaves the cache (and her keys stop counting); bob, in use, stays.
    await executor.execute(on('bob', gift('bob', 'g2'), 'b2'));
    await executor.execute(on('carol', purchase('carol', 'p3'), 'c1'));
    const reads = jest.spyOn(store, 'readStream');

    // Bob's third key makes four again: carol leaves, bob stays cached.
    await executor.execute(on('bob', gift('bob', 'g3'), 'b3'));
    expect(reads).not.toHaveBeenCalled();
    // Cached, alice's latest key would be answered from memory; she left: her stream is read back
    // whole (her keys with it), then the key's answer from it.
    const replay = await executor.execute(request(gift('alice', 'g1-again'), { idempotencyKey: 'a2' }));
    expect(reads.mock.calls.map(([stream]) => stream)).toEqual([walletStream('alice'), walletStream('alice')]);
    expect(replay).toEqual({ ...aliceLatest, kind: 'replayed' });
    expect(await store.streamRevision(walletStream('alice'))).toBe(1n);
    // Loading alice's two keys took the cache over the bound again: bob left.
    await executor.execute(on('bob', gift('bob', 'g4'), 'b4'));
    expect(reads.mock.calls.map(([stream]) => stream)).toEqual([walletStream('alice'), walletStream('alice'), walletStream('bob')]);
  });

  it('counts the keys a stream brings when it is loaded once, and each key its commands add as it comes', async () => {
    const writer = new CommandExecutor(store);
    await writer.execute(request(purchase('alice', 'p1'), { idempotencyKey: 'a1' }));
    await writer.execute(request(gift('alice', 'g1'), { idempotencyKey: 'a2' }));
    const executor = new CommandExecutor(store, { cachedKeys: 3 });
    await executor.execute(request(gift('alice', 'g2')));
    await executor.execute(on('bob', purchase('bob', 'p2')));
    const reads = jest.spyOn(store, 'readStream');

    // Alice's two keys and none of bob's: both stay.
    await executor.execute(request(gift('alice', 'g3')));
    expect(reads).not.toHaveBeenCalled();
    await executor.execute(on('carol', purchase('carol', 'p3')));
    reads.mockClear();
    await executor.execute(on('bob', gift('bob', 'g4'), 'b1'));
    // The fourth key, added by a command and not by a load: alice leaves, and only she.
    await executor.execute(on('bob', gift('bob', 'g5'), 'b2'));
    await executor.execute(on('carol', gift('carol', 'g6')));
    expect(reads).not.toHaveBeenCalled();
    await executor.execute(request(gift('alice', 'g7')));
    expect(reads.mock.calls.map(([stream]) => stream)).toEqual([walletStream('alice')]);
  });

  it('does not keep a stream that alone holds more keys than the bound, and keeps the others for it', async () => {
    const executor = new CommandExecutor(store, { cachedKeys: 2 });
    await executor.execute(on('bob', purchase('bob', 'p2'), 'b1'));
    await executor.execute(request(purchase('alice', 'p1'), { idempotencyKey: 'a1' }));
    const reads = jest.spyOn(store, 'readStream');

    // Alice's second key makes three: bob, used least recently, leaves.
    await executor.execute(request(gift('alice', 'g1'), { idempotencyKey: 'a2' }));
    expect(reads).not.toHaveBeenCalled();
    // Her third key is more than the bound alone: she leaves, and only she.
    await executor.execute(request(gift('alice', 'g2'), { idempotencyKey: 'a3' }));
    await executor.execute(on('carol', purchase('carol', 'p3')));
    await executor.execute(on('carol', gift('carol', 'g3')));
    await executor.execute(request(gift('alice', 'g4')));
    await executor.execute(on('carol', gift('carol', 'g5')));
    // Carol was read once, when first used; alice on each of her commands; she holds all her keys then.
    expect(reads.mock.calls.map(([stream]) => stream)).toEqual([walletStream('carol'), walletStream('alice')]);
    const replay = await executor.execute(request(gift('alice', 'g1-again'), { idempotencyKey: 'a2' }));
    expect(replay.kind).toBe('replayed');
    expect(await store.streamRevision(walletStream('alice'))).toBe(3n);
  });

  it('keeps the stream whose command adds the key, even when others were used while it appended', async () => {
    const executor = new CommandExecutor(store, { cachedKeys: 2 });
    await executor.execute(on('bob', purchase('bob', 'p2'), 'b1'));
    await executor.execute(request(purchase('alice', 'p1'), { idempotencyKey: 'a1' }));
    await executor.execute(on('carol', purchase('carol', 'p3')));
    const reads = jest.spyOn(store, 'readStream');

    // Alice's command starts first, so by the time her third key lands bob and carol were used after her.
    await Promise.all([
      executor.execute(request(gift('alice', 'g1'), { idempotencyKey: 'a2' })),
      executor.execute(on('bob', gift('bob', 'g2'))),
      executor.execute(on('carol', gift('carol', 'g3'))),
    ]);
    await executor.execute(request(gift('alice', 'g4')));
    await executor.execute(on('carol', gift('carol', 'g5')));
    expect(reads).not.toHaveBeenCalled();
    await executor.execute(on('bob', gift('bob', 'g6')));
    expect(reads.mock.calls.map(([stream]) => stream)).toEqual([walletStream('bob')]);
  });

  it('replays every event of a command that appended several, read back from the stream', async () => {
    type Twice = { type: 'Twice'; data: { n: number } };
    const twice = {
      initialState: () => ({ total: 0 }),
      decide: (command: { n: number }): Twice[] => [{ type: 'Twice', data: { n: command.n } }, { type: 'Twice', data: { n: command.n } }],
      evolve: (state: { total: number }, event: Twice) => ({ total: state.total + event.data.n }),
    };
    const run = (executor: CommandExecutor, n: number, key: string) =>
      executor.execute({ streamName: 'counter-1', model: twice, command: { n }, actorId: 'a', correlationId: 'c', causationId: 'c', idempotencyKey: key });
    const first = await run(new CommandExecutor(store), 5, 'five');
    await run(new CommandExecutor(store), 1, 'one');

    const replay = await run(new CommandExecutor(store), 99, 'five');

    expect(replay).toMatchObject({ kind: 'replayed', events: first.events, state: { total: 10 }, revision: 1n, position: first.position });
  });

  it('serialises concurrent commands on one stream so none is lost and none overdraws', async () => {
    const executor = new CommandExecutor(store);
    await executor.execute(request(purchase('alice', 'p1')));
    const results = await Promise.allSettled(Array.from({ length: 100 }, (_, i) => executor.execute(request(gift('alice', `g${i}`)))));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(70);
    const events = await store.readStream(walletStream('alice'));
    expect(events.filter((e) => e.type === 'GiftSent')).toHaveLength(70);
  });
});
