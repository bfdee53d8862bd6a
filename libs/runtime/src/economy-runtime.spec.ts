import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StreamModel } from '../../application/src/command-executor';
import { silentLogger } from '../../application/src/logger';
import { purchaseCoins, registerCreator, sendGift } from '../../domain/src/testing/fixtures';
import { creatorStream, walletStream } from '../../domain/src/streams';
import { ConfigError, loadConfig } from './config';
import { EconomyRuntime } from './economy-runtime';

const secrets = { AUTH_JWT_SECRET: 'j'.repeat(32), PAYMENT_WEBHOOK_SECRET: 'w'.repeat(32) };

describe('the catalog is validated at start-up', () => {
  it.each([
    ['not JSON', '{ nope', /CATALOG_FILE .* could not be read as JSON/],
    ['an invalid catalog', JSON.stringify({ version: 1 }), /CATALOG_FILE .* is not a valid catalog: catalog: /],
  ])('refuses %s with one sentence naming the file', async (_, content, message) => {
    const dir = mkdtempSync(join(tmpdir(), 'coinstream-catalog-'));
    const file = join(dir, 'catalog.json');
    writeFileSync(file, content);
    const config = loadConfig({ ...secrets, DATA_DIR: dir, CATALOG_FILE: file });
    const opening = EconomyRuntime.open(config, silentLogger, { runProjector: false });
    await expect(opening).rejects.toBeInstanceOf(ConfigError);
    await expect(opening).rejects.toThrow(message);
  });

  it('opens on the default catalog and closes cleanly', async () => {
    const runtime = await EconomyRuntime.open(loadConfig({ ...secrets, DATA_DIR: mkdtempSync(join(tmpdir(), 'coinstream-rt-')) }), silentLogger);
    expect(runtime.catalog.gifts.map((g) => g.giftId)).toContain('universe');
    expect(await runtime.asOfPosition()).toBe(0n);
    await runtime.close();
  });
});

describe('the command side', () => {
  it('keeps in memory what COMMAND_CACHE_STREAMS and COMMAND_CACHE_KEYS allow', async () => {
    const config = loadConfig({ ...secrets, DATA_DIR: mkdtempSync(join(tmpdir(), 'coinstream-rt-cache-')), COMMAND_CACHE_STREAMS: '1', COMMAND_CACHE_KEYS: '2' });
    const runtime = await EconomyRuntime.open(config, silentLogger, { runProjector: false });
    try {
      const buy = (userId: string, paymentId: string, idempotencyKey?: string) =>
        runtime.executor.execute({
          streamName: walletStream(userId),
          model: runtime.walletModel,
          command: purchaseCoins({ userId, paymentId }),
          actorId: userId,
          correlationId: 'c',
          causationId: 'c',
          ...(idempotencyKey !== undefined && { idempotencyKey }),
        });
      await buy('alice', 'p1');
      const reads = jest.spyOn(runtime.eventStore, 'readStream');
      // One stream at most: bob's first command pushes alice out, and she is read back.
      await buy('bob', 'p2');
      await buy('alice', 'p3');
      expect(reads.mock.calls.map(([stream]) => stream)).toEqual([walletStream('bob'), walletStream('alice')]);
      // Two keys at most: alice's third makes her too big to keep, so she is read back on each command.
      await buy('alice', 'p4', 'k1');
      await buy('alice', 'p5', 'k2');
      reads.mockClear();
      await buy('alice', 'p6', 'k3');
      await buy('alice', 'p7');
      expect(reads.mock.calls.map(([stream]) => stream)).toEqual([walletStream('alice')]);
    } finally {
      await runtime.close();
    }
  });
});

describe('the projector thread', () => {
  it('runs the diamonds reactor there: a gift sent here is credited, and status reports the reactor', async () => {
    const config = loadConfig({ ...secrets, LOG_LEVEL: 'warn', DATA_DIR: mkdtempSync(join(tmpdir(), 'coinstream-rt-thread-')) });
    const runtime = await EconomyRuntime.open(config, silentLogger, { projectorThread: true, appendThread: true });
    try {
      // Nothing credits on this thread: only the projector thread can have written the credit below.
      expect(runtime.reactor).toBeNull();
      const run = <S, C, E extends { type: string; data: unknown }>(streamName: string, model: StreamModel<S, C, E>, command: C) =>
        runtime.executor.execute({ streamName, model, command, actorId: 'test', correlationId: 'c', causationId: 'c' });
      await run(creatorStream('carol'), runtime.creatorModel, registerCreator('carol'));
      await run(walletStream('alice'), runtime.walletModel, purchaseCoins());
      const gift = await run(walletStream('alice'), runtime.walletModel, sendGift({ giftId: 'rose', quantity: 3 }));
      expect(gift.kind).toBe('appended');

      const credits = await eventually(async () => {
        const events = await runtime.eventStore.readStream(creatorStream('carol'));
        return events.filter((e) => e.type === 'DiamondsCredited');
      }, (found) => found.length === 1);
      expect(credits[0]!.data).toMatchObject({ creatorId: 'carol', senderId: 'alice', giftPosition: gift.position!.toString() });
      expect(credits[0]!.metadata.actorId).toBe('system:diamondsReactor');

      const status = await eventually(
        () => runtime.projectionStatus(),
        (rows) => rows.some((row) => row.name === 'diamondsReactor' && row.checkpoint !== null && BigInt(row.checkpoint) >= gift.position!),
      );
      expect(status.map((row) => row.name)).toEqual(['wallets', 'creatorEarnings', 'analytics', 'creatorAnalytics', 'diamondsReactor']);
    } finally {
      await runtime.close();
    }
  });
});

/** Polls `read` until `done` accepts its value (the thread works asynchronously); fails after 10 s. */
async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`not reached in 10 s: ${JSON.stringify(value, (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
