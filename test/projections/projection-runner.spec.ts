import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { firstValueFrom, filter } from 'rxjs';
import { SqliteEventStore } from '../../libs/event-store/src/embedded/sqlite-event-store';
import { applyDocOp, type DocFields, type MergedDocOp } from '../../libs/read-models/src/doc-ops';
import { SqliteReadStore } from '../../libs/read-models/src/embedded/sqlite-read-store';
import {
  allProjections,
  analyticsProjection,
  CREATOR_DAILY_CREDITS,
  CREATOR_SUPPORTERS,
  creatorAnalyticsProjection,
  creatorEarningsProjection,
  DIAMOND_TOTALS,
  ECONOMY_TOTALS,
  positionKey,
  WALLETS,
  walletsProjection,
  type Projection,
} from '../../libs/read-models/src/projections';
import { parkedEventsCollection } from '../../libs/read-models/src/projector/parked-events';
import { ProjectionRunner } from '../../libs/read-models/src/projector/projection-runner';
import type { RecordedEvent } from '../../libs/event-store/src/event-store.port';
import { appendSeeded, seededEconomy, topUp } from './support/seeded-events';
import { dumpReadModels, memoryLogger } from './support/read-models-dump';

describe('ProjectionRunner on the embedded stores', () => {
  let dir: string;
  let eventStore: SqliteEventStore;
  let readStore: SqliteReadStore;
  let runner: ProjectionRunner | undefined;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'coinstream-runner-'));
    eventStore = SqliteEventStore.open({ file: join(dir, 'events.db'), pollIntervalMs: 20 });
    readStore = SqliteReadStore.open({ file: join(dir, 'read-models.db') });
  });
  afterEach(async () => {
    await runner?.stop();
    runner = undefined;
    await eventStore.close();
    await readStore.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The reference: every event folded through every projection in memory, one op at a time. */
  function foldAll(events: readonly RecordedEvent[], projections: readonly Projection[]): Record<string, DocFields[]> {
    const out: Record<string, Map<string, DocFields>> = {};
    for (const projection of projections) for (const c of projection.collections) out[c.name] = new Map();
    for (const event of events) {
      for (const projection of projections) {
        for (const op of projection.project(event)) out[op.collection]!.set(op.id, applyDocOp(out[op.collection]!.get(op.id) ?? null, op)!);
      }
    }
    return Object.fromEntries(
      Object.entries(out).map(([name, docs]) => [
        name,
        [...docs.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([id, doc]) => ({ _id: id, ...doc })),
      ]),
    );
  }

  it('catches up, then follows live appends; waitForPosition answers read-your-writes', async () => {
    await appendSeeded(eventStore, seededEconomy(1, 600));
    const logger = memoryLogger();
    runner = new ProjectionRunner({ eventStore, readStore, projections: allProjections, logger, batchSize: 100 });
    await runner.start();
    const head = await eventStore.headPosition();
    expect(await runner.waitForPosition(head, 20_000)).toBe(true);
    expect(await runner.waitForPosition(head + 1_000_000n, 50)).toBe(false);

    const later = runner.waitForPosition(head + 1n, 20_000);
    const appended = await eventStore.appendToStream('wallet-late', [topUp('late', 100, 'ffffffff-0000-4000-8000-000000000001')], { expectedRevision: 'no_stream' });
    expect(appended.position).toBeGreaterThan(head);
    expect(await later).toBe(true);

    const all = await eventStore.readAll({ maxCount: 100_000 });
    expect(await dumpReadModels(readStore, allProjections)).toEqual(foldAll(all, allProjections));
    const status = await runner.status();
    expect(status.map((s) => [s.projection, s.checkpoint, s.lag, s.parked])).toEqual(
      allProjections.map((p) => [p.name, appended.position, 0n, 0]),
    );
    expect(logger.entries.filter((e) => e.level === 'error')).toEqual([]);
  });

  it('with a live batch interval, projects the first event of a quiet spell at once and what follows in few batches', async () => {
    const logger = memoryLogger();
    runner = new ProjectionRunner({ eventStore, readStore, projections: allProjections, logger, liveBatchIntervalMs: 1_000 });
    await runner.start();
    const batches: number[] = [];
    const counted = runner.committed$.subscribe((batch) => {
      if (batch.projection === WALLETS) batches.push(batch.events);
    });
    const id = (n: number) => `ffffffff-0000-4000-8000-${String(n).padStart(12, '0')}`;
    const first = await eventStore.appendToStream('wallet-steady', [topUp('steady', 10, id(0))], { expectedRevision: 'no_stream' });
    // Well inside the interval: the store was quiet, so nothing held it back.
    expect(await runner.waitForPosition(first.position, 800)).toBe(true);
    // A steady flow: ten appends 30 ms apart, each of which would otherwise be a batch of its own.
    let last = first;
    for (let n = 1; n <= 10; n += 1) {
      await new Promise((resolve) => setTimeout(resolve, 30));
      last = await eventStore.appendToStream('wallet-steady', [topUp('steady', 10, id(n))], { expectedRevision: last.nextExpectedRevision });
    }
    expect(await runner.waitForPosition(last.position, 20_000)).toBe(true);
    counted.unsubscribe();
    expect(batches.reduce((sum, events) => sum + events, 0)).toBe(11);
    expect(batches.length).toBeLessThanOrEqual(3);
    const all = await eventStore.readAll({ maxCount: 100 });
    expect(await dumpReadModels(readStore, allProjections)).toEqual(foldAll(all, allProjections));
    expect(logger.entries.filter((e) => e.level === 'error')).toEqual([]);
  });

  it('with a live batch interval, catches up a backlog of full batches without pausing between them', async () => {
    await appendSeeded(eventStore, seededEconomy(1, 600));
    const head = await eventStore.headPosition();
    expect(head).toBeGreaterThan(500n);
    // Batches of 100: waiting the interval between them would take more than five seconds.
    runner = new ProjectionRunner({ eventStore, readStore, projections: allProjections, logger: memoryLogger(), batchSize: 100, liveBatchIntervalMs: 1_000 });
    await runner.start();
    expect(await runner.waitForPosition(head, 2_500)).toBe(true);
  });

  it('refuses a negative live batch interval', () => {
    expect(() => new ProjectionRunner({ eventStore, readStore, projections: allProjections, logger: memoryLogger(), liveBatchIntervalMs: -1 })).toThrow(
      'liveBatchIntervalMs must be a number >= 0',
    );
  });

  it('upgrades a store from before creatorAnalytics: the new projection fills from the start, analytics goes on from its checkpoint', async () => {
    await appendSeeded(eventStore, seededEconomy(5, 400));
    // Analytics as it was: the creator streams' days in creatorDaily, their totals in economyTotals.
    const formerCollection: Record<string, string> = { [CREATOR_DAILY_CREDITS]: 'creatorDaily', [DIAMOND_TOTALS]: ECONOMY_TOTALS };
    const formerAnalytics: Projection = {
      name: 'analytics',
      collections: [...analyticsProjection.collections, { name: 'creatorDaily', indexes: [] }],
      eventTypes: [...analyticsProjection.eventTypes!, ...creatorAnalyticsProjection.eventTypes!],
      project: (event) => [
        ...analyticsProjection.project(event),
        ...creatorAnalyticsProjection.project(event).map((op) => ({ ...op, collection: formerCollection[op.collection]! })),
      ],
    };
    runner = new ProjectionRunner({ eventStore, readStore, projections: [walletsProjection, creatorEarningsProjection, formerAnalytics], logger: memoryLogger() });
    await runner.start();
    const head = await eventStore.headPosition();
    expect(await runner.waitForPosition(head, 20_000)).toBe(true);
    await runner.stop();
    expect((await readStore.find('creatorDaily', { orderBy: [['_id', 'asc']], limit: 1 })).length).toBe(1);
    await readStore.close();

    // The upgraded code starts on the same files.
    readStore = SqliteReadStore.open({ file: join(dir, 'read-models.db') });
    const logger = memoryLogger();
    runner = new ProjectionRunner({ eventStore, readStore, projections: allProjections, logger });
    await runner.start();
    expect(await runner.waitForPosition(head, 20_000)).toBe(true);

    const events = await eventStore.readAll({ maxCount: 100_000 });
    const expected = foldAll(events, [creatorAnalyticsProjection]);
    expect(expected[CREATOR_DAILY_CREDITS]!.length).toBeGreaterThan(0);
    expect(await dumpReadModels(readStore, [creatorAnalyticsProjection])).toEqual(expected);
    expect(await readStore.checkpoint('analytics')).toBe(head);
    expect(await readStore.activeGeneration('analytics')).toBe(1);
    expect((await dumpReadModels(readStore, [analyticsProjection])).gifterDaily).toEqual(foldAll(events, [analyticsProjection]).gifterDaily);
    expect(logger.entries.filter((e) => e.level === 'error')).toEqual([]);
  });

  it('keeps the books: wallets and spending add up to the coins sold', async () => {
    await appendSeeded(eventStore, seededEconomy(3, 800));
    runner = new ProjectionRunner({ eventStore, readStore, projections: allProjections, logger: memoryLogger() });
    await runner.start();
    expect(await runner.waitForPosition(await eventStore.headPosition(), 20_000)).toBe(true);
    const wallets = await readStore.find('wallets', { orderBy: [['_id', 'asc']], limit: 1000 });
    const economy = (await readStore.get('economyTotals', 'economy'))!;
    const balances = wallets.reduce((sum, w) => sum + (w.balance as number), 0);
    expect(wallets.every((w) => (w.balance as number) >= 0)).toBe(true);
    expect(balances + (economy.coinsSpentOnGifts as number) + (economy.coinsSpentOnItems as number)).toBe(economy.coinsSold);
    const creators = await readStore.find('creatorEarnings', { orderBy: [['_id', 'asc']], limit: 1000 });
    const diamondTotals = (await readStore.get('diamondTotals', 'economy'))!;
    expect(creators.reduce((sum, c) => sum + (c.diamondsEarned as number), 0)).toBe(diamondTotals.diamondsCredited);
    expect(diamondTotals.diamondsCredited).toBeGreaterThan(0);
  });

  it('parks an event a projection keeps failing on, and carries on with the others', async () => {
    await appendSeeded(eventStore, seededEconomy(4, 200));
    const events = await eventStore.readAll({ maxCount: 100_000 });
    const poison = events.find((e) => e.type === 'GiftSent')!;
    let calls = 0;
    const fragile: Projection = {
      ...walletsProjection,
      project(event) {
        if (event.eventId === poison.eventId) {
          calls += 1;
          throw new Error('cannot handle this gift');
        }
        return walletsProjection.project(event);
      },
    };
    const logger = memoryLogger();
    runner = new ProjectionRunner({ eventStore, readStore, projections: [fragile], logger, maxAttempts: 3, retryBaseMs: 1, batchSize: 50 });
    await runner.start();
    expect(await runner.waitForPosition(await eventStore.headPosition(), 20_000)).toBe(true);

    expect(calls).toBe(3);
    const [status] = await runner.status();
    expect(status).toMatchObject({ projection: 'wallets', parked: 1, lag: 0n });
    const parked = await readStore.get(parkedEventsCollection('wallets'), poison.eventId);
    expect(parked).toMatchObject({ eventId: poison.eventId, type: 'GiftSent', position: String(poison.position), attempts: 3 });
    expect(String(parked!.error)).toContain('cannot handle this gift');
    const errors = logger.entries.filter((e) => e.level === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]!.obj).toMatchObject({ projection: 'wallets', position: String(poison.position), eventId: poison.eventId, type: 'GiftSent' });
    // Every other event counted: the wallets equal a fold without the parked event.
    const expected = foldAll(events.filter((e) => e.eventId !== poison.eventId), [walletsProjection]);
    expect((await dumpReadModels(readStore, [walletsProjection])).wallets).toEqual(expected.wallets);
  });

  it('parks an event whose write the store rejects, without losing the rest of the batch', async () => {
    await appendSeeded(eventStore, seededEconomy(5, 100));
    const events = await eventStore.readAll({ maxCount: 100_000 });
    const poison = events[events.length - 10]!;
    const badWrite: Projection = {
      ...walletsProjection,
      project(event) {
        const ops = walletsProjection.project(event);
        if (event.eventId !== poison.eventId) return ops;
        // An inc on a text field: only the store notices.
        return [...ops, { kind: 'upsert', collection: 'wallets', id: 'poisoned', set: { balance: 'text' } }, { kind: 'upsert', collection: 'wallets', id: 'poisoned', inc: { balance: 1 } }];
      },
    };
    runner = new ProjectionRunner({ eventStore, readStore, projections: [badWrite], logger: memoryLogger(), maxAttempts: 2, retryBaseMs: 1 });
    await runner.start();
    expect(await runner.waitForPosition(await eventStore.headPosition(), 20_000)).toBe(true);
    expect((await runner.status())[0]!.parked).toBe(1);
    const expected = foldAll(events.filter((e) => e.eventId !== poison.eventId), [walletsProjection]);
    expect((await dumpReadModels(readStore, [walletsProjection])).wallets).toEqual(expected.wallets);
  });

  it('rebuilds into a new generation while live, then continues there', async () => {
    await appendSeeded(eventStore, seededEconomy(6, 1500));
    runner = new ProjectionRunner({ eventStore, readStore, projections: allProjections, logger: memoryLogger(), rebuildBatchSize: 300 });
    await runner.start();
    expect(await runner.waitForPosition(await eventStore.headPosition(), 20_000)).toBe(true);
    const before = await dumpReadModels(readStore, allProjections);

    const progress: bigint[] = [];
    const rebuilt = runner.rebuild('all', {
      onProgress: (p) => {
        if (p.projection === 'wallets') progress.push(p.position);
      },
    });
    // Reads keep answering from the old generation during the rebuild.
    expect(await readStore.get('economyTotals', 'economy')).toEqual(before.economyTotals![0]);
    const results = await rebuilt;
    expect(results.map((r) => [r.projection, r.generation])).toEqual(allProjections.map((p) => [p.name, 2]));
    expect(progress.length).toBeGreaterThan(3);
    expect(await dumpReadModels(readStore, allProjections)).toEqual(before);

    const committed = firstValueFrom(runner.committed$.pipe(filter((b) => b.projection === 'wallets' && b.generation === 2)));
    const appended = await eventStore.appendToStream('wallet-after-rebuild', [topUp('after-rebuild', 100, 'ffffffff-0000-4000-8000-000000000002')], {
      expectedRevision: 'no_stream',
    });
    expect(await runner.waitForPosition(appended.position, 20_000)).toBe(true);
    await committed;
    expect(await readStore.get('wallets', 'after-rebuild')).toMatchObject({ userId: 'after-rebuild' });
    expect((await runner.status()).every((s) => s.generation === 2 && s.checkpoint === appended.position)).toBe(true);
  });

  it('rebuilds one projection from the events of its types alone, its checkpoint at the head all the same', async () => {
    await appendSeeded(eventStore, seededEconomy(7, 700));
    // The log ends with events the projection does not read.
    const last = await eventStore.appendToStream('wallet-last', [topUp('last', 100, 'ffffffff-0000-4000-8000-000000000003')], { expectedRevision: 'no_stream' });
    const creatorEarnings = allProjections.find((p) => p.name === 'creatorEarnings')!;
    runner = new ProjectionRunner({ eventStore, readStore, projections: allProjections, logger: memoryLogger(), rebuildBatchSize: 50 });
    const readTypes = new Set<string>();
    const readAll = eventStore.readAll.bind(eventStore);
    eventStore.readAll = async (options) => {
      const events = await readAll(options);
      for (const event of events) readTypes.add(event.type);
      return events;
    };

    const results = await runner.rebuild('creatorEarnings');

    expect(results).toEqual([{ projection: 'creatorEarnings', generation: 2, checkpoint: last.position }]);
    expect([...readTypes].filter((type) => !creatorEarnings.eventTypes!.includes(type))).toEqual([]);
    expect(readTypes.has('DiamondsCredited')).toBe(true);
    const all = await readAll({ maxCount: 100_000 });
    expect(all.some((event) => !creatorEarnings.eventTypes!.includes(event.type))).toBe(true);
    expect(await dumpReadModels(readStore, [creatorEarnings])).toEqual(foldAll(all, [creatorEarnings]));
    expect((await runner.status()).find((s) => s.projection === 'creatorEarnings')).toMatchObject({ generation: 2, checkpoint: last.position, lag: 0n });
  });

  /** One new document per wallet event (a ledger): a window of inserts only, nothing to merge. */
  const walletLedger: Projection = {
    name: 'walletLedger',
    collections: [{ name: 'walletLedger', indexes: [] }],
    project: (event) =>
      event.streamName.startsWith('wallet-')
        ? [{ kind: 'insert', collection: 'walletLedger', id: positionKey(event.position), doc: { streamName: event.streamName, type: event.type } }]
        : [],
  };
  const withLedger = [...allProjections, walletLedger];

  describe('rebuild merges many read batches per write (rebuildHeldDocs)', () => {
    it.each([
      ['writing out the collections that merge least', 80],
      ['one flush at the end', 1_000_000],
    ])('leaves what folding every event leaves, %s', async (_, rebuildHeldDocs) => {
      await appendSeeded(eventStore, seededEconomy(8, 900));
      runner = new ProjectionRunner({ eventStore, readStore, projections: withLedger, logger: memoryLogger(), rebuildBatchSize: 64, rebuildHeldDocs });
      /** Documents written per collection: with the checkpoint (a flush) and ahead of it (applyMergedDocs). */
      const flushed = new Map<string, number>();
      const ahead = new Map<string, number>();
      const count = (into: Map<string, number>, merged: readonly MergedDocOp[]) => {
        for (const doc of merged) into.set(doc.collection, (into.get(doc.collection) ?? 0) + 1);
      };
      let transactionFlushes = 0;
      const applyMergedBatch = readStore.applyMergedBatch.bind(readStore);
      readStore.applyMergedBatch = (projection, merged, position, generation) => {
        count(flushed, merged);
        if (projection === 'walletLedger') transactionFlushes += 1;
        return applyMergedBatch(projection, merged, position, generation);
      };
      const applyMergedDocs = readStore.applyMergedDocs.bind(readStore);
      readStore.applyMergedDocs = (projection, merged, generation) => {
        count(ahead, merged);
        return applyMergedDocs(projection, merged, generation);
      };
      const results = await runner.rebuild('all');
      const all = await eventStore.readAll({ maxCount: 100_000 });
      const head = all[all.length - 1]!.position;
      expect(results.every((r) => r.checkpoint === head)).toBe(true);
      const expected = foldAll(all, withLedger);
      expect(await dumpReadModels(readStore, withLedger)).toEqual(expected);
      // Wallets are touched by most events and merge the most: each is written once, at the end.
      expect(flushed.get(WALLETS)).toBe(expected[WALLETS]!.length);
      expect(ahead.has(WALLETS)).toBe(false);
      // Within the bound, collections that merge little were written out ahead of the checkpoint.
      expect(ahead.size > 0).toBe(rebuildHeldDocs === 80);
      if (rebuildHeldDocs === 80) {
        expect(ahead.get(CREATOR_SUPPORTERS)).toBeGreaterThan(0);
      } else {
        for (const [collection, docs] of Object.entries(expected)) expect(flushed.get(collection) ?? 0).toBe(docs.length);
      }
      // The ledger is inserts only: nothing to merge, so it is written every read batch.
      let batchesWithTransactions = 0;
      for (let at = 0; at < all.length; at += 64) {
        if (all.slice(at, at + 64).some((e) => walletLedger.project(e).length > 0)) batchesWithTransactions += 1;
      }
      // (plus the final flush of every window, which only moves its checkpoint)
      expect(batchesWithTransactions).toBeGreaterThan(5);
      expect(transactionFlushes).toBeGreaterThanOrEqual(batchesWithTransactions);
      expect(transactionFlushes).toBeLessThanOrEqual(batchesWithTransactions + 1);
    });

    it('parks the event whose op cannot merge or cannot apply to what an earlier flush wrote, and keeps the rest', async () => {
      await appendSeeded(eventStore, seededEconomy(9, 400));
      const events = await eventStore.readAll({ maxCount: 100_000 });
      const labels = events[5]!;
      const mergeFails = events[200]!;
      const storeFails = events[events.length - 3]!;
      const poisoned = new Set([mergeFails.eventId, storeFails.eventId]);
      const badWrites: Projection = {
        ...walletsProjection,
        // Its extra ops ride on events of any type, not only the wallets' ones.
        eventTypes: undefined,
        project(event) {
          const ops = walletsProjection.project(event);
          const doc = (id: string, fields: object) => ({ kind: 'upsert' as const, collection: 'wallets', id, ...fields });
          // A text field written early; much later an inc on it, which only the store can refuse.
          if (event.eventId === labels.eventId) return [...ops, doc('labelled', { set: { note: 'text' } })];
          if (event.eventId === storeFails.eventId) return [...ops, doc('labelled', { inc: { note: 1 } })];
          // Set then inc of a text field in one event: refused while merging.
          if (event.eventId === mergeFails.eventId) return [...ops, doc('merged', { set: { note: 'text' } }), doc('merged', { inc: { note: 1 } })];
          return ops;
        },
      };
      const logger = memoryLogger();
      runner = new ProjectionRunner({ eventStore, readStore, projections: [badWrites], logger, maxAttempts: 2, retryBaseMs: 1, rebuildBatchSize: 50, rebuildHeldDocs: 10 });
      const [result] = await runner.rebuild('wallets');
      expect(result!.checkpoint).toBe(events[events.length - 1]!.position);
      const parked = await readStore.find(parkedEventsCollection('wallets'), { orderBy: [['_id', 'asc']], limit: 10 });
      expect(parked.map((p) => p._id).sort()).toEqual([...poisoned].sort());
      const expected = foldAll(
        events.filter((e) => !poisoned.has(e.eventId)),
        [badWrites],
      );
      expect((await dumpReadModels(readStore, [walletsProjection])).wallets).toEqual(expected.wallets);
      expect(logger.entries.filter((e) => e.level === 'error')).toHaveLength(2);
      // The bound of 10 documents wrote wallets out ahead of the checkpoint, so finding the events
      // to park replayed the generation from the start instead of double-counting what was written.
      expect(logger.entries.some((e) => e.msg === 'rebuild replays its generation from the start to park an event')).toBe(true);
    });

    it('parks an event whose document the store refuses while writing ahead of the checkpoint, counting every other event once', async () => {
      await appendSeeded(eventStore, seededEconomy(10, 400));
      const events = await eventStore.readAll({ maxCount: 100_000 });
      const labels = events[5]!;
      const storeFails = events[250]!;
      const badWrites: Projection = {
        ...walletsProjection,
        // Its extra ops ride on events of any type, not only the wallets' ones.
        eventTypes: undefined,
        project(event) {
          const ops = walletsProjection.project(event);
          const doc = (fields: object) => ({ kind: 'upsert' as const, collection: 'wallets', id: 'labelled', ...fields });
          if (event.eventId === labels.eventId) return [...ops, doc({ set: { note: 'text' } })];
          if (event.eventId === storeFails.eventId) return [...ops, doc({ inc: { note: 1 } })];
          return ops;
        },
      };
      const logger = memoryLogger();
      const aheadWrites: number[] = [];
      let refused = 0;
      const countRefusal = (error: unknown) => {
        refused += 1;
        throw error;
      };
      const applyMergedDocs = readStore.applyMergedDocs.bind(readStore);
      readStore.applyMergedDocs = (projection, merged, generation) => {
        aheadWrites.push(merged.length);
        return applyMergedDocs(projection, merged, generation).catch(countRefusal);
      };
      const applyMergedBatch = readStore.applyMergedBatch.bind(readStore);
      readStore.applyMergedBatch = (projection, merged, position, generation) => applyMergedBatch(projection, merged, position, generation).catch(countRefusal);
      runner = new ProjectionRunner({ eventStore, readStore, projections: [badWrites], logger, maxAttempts: 2, retryBaseMs: 1, rebuildBatchSize: 50, rebuildHeldDocs: 10 });
      const [result] = await runner.rebuild('wallets');
      expect(aheadWrites.length).toBeGreaterThan(1);
      // The store refused the inc of the document written ahead, tried maxAttempts times: where it was
      // written, or (the embedded store defers writes that read while it fills) at the next checkpoint.
      expect(refused).toBe(2);
      expect(result!.checkpoint).toBe(events[events.length - 1]!.position);
      const parked = await readStore.find(parkedEventsCollection('wallets'), { orderBy: [['_id', 'asc']], limit: 10 });
      expect(parked.map((p) => p._id)).toEqual([storeFails.eventId]);
      const expected = foldAll(
        events.filter((e) => e.eventId !== storeFails.eventId),
        [badWrites],
      );
      expect((await dumpReadModels(readStore, [walletsProjection])).wallets).toEqual(expected.wallets);
      expect(logger.entries.filter((e) => e.level === 'error')).toHaveLength(1);
      expect(logger.entries.some((e) => e.msg === 'rebuild replays its generation from the start to park an event')).toBe(true);
    });
  });
});
