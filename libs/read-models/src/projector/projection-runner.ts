import { Subject } from 'rxjs';
import type { EventStore, GlobalPosition, RecordedEvent } from '../../../event-store/src/event-store.port';
import type { Projection } from '../projections/projection';
import { DocOpError, DocOpMerger } from '../doc-ops';
import type { DocOp, ReadStore } from '../read-store.port';
import { backOffDelay, Mutex, paceAfterBatch, sleep } from './back-off';
import { parkedEventsCollection, parkEventOp, withParkedEvents } from './parked-events';
import { PositionWaiters } from './position-waiters';

/** Pino-compatible. */
export type RunnerLogger = {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
};

export type ProjectionRunnerOptions = {
  eventStore: EventStore;
  readStore: ReadStore;
  projections: readonly Projection[];
  logger: RunnerLogger;
  /** Largest live batch. Default 1000. */
  batchSize?: number;
  /**
   * Least time between the starts of two live batches. Under a steady flow of events each batch
   * then holds what arrived meanwhile, so a document many events touch (a creator's earnings, the
   * economy totals) is written once per interval instead of once per commit; an event arriving
   * after a quiet spell is projected at once, and a backlog (full batches) without pause. Bounds
   * how far behind the read models may be on top of the batch itself. Default 0 (each batch as
   * soon as it is read).
   */
  liveBatchIntervalMs?: number;
  /** Tries of a failing projection (or store write) before the event is parked. Default 5. */
  maxAttempts?: number;
  /** First back-off delay; it doubles per attempt, capped at 5 s. Default 100. */
  retryBaseMs?: number;
  /**
   * Events per rebuild read batch. Default 1000: a batch's events stay alive until every projection
   * has projected them, and with 5000 a young-generation collection mid-batch copied the whole
   * batch, so a million-event rebuild spent twice as long in them and 20 % more CPU in all
   * (bench/ANALYSIS.md).
   */
  rebuildBatchSize?: number;
  /**
   * A rebuild merges the ops of consecutive read batches per document and holds at most this many
   * documents (over all rebuilt projections): past it, it writes out the collections that merge
   * least (see relieve in rebuild). Bounds the rebuild's memory. Default 150,000 (a 1M-event
   * rebuild with 50,000 wallets then writes every document once and peaks under 300 MB; bench/).
   */
  rebuildHeldDocs?: number;
};

export type ProjectionStatus = {
  projection: string;
  generation: number;
  checkpoint: bigint | null;
  headPosition: bigint;
  lag: bigint;
  /** Age of the last event this runner applied (by its recordedAt); absent before the first. */
  lastEventAgeMs?: number;
  parked: number;
};

export type BatchCommitted = { projection: string; generation: number; position: GlobalPosition; events: number };
export type RebuildProgress = { projection: string; position: bigint; head: bigint; eventsPerSecond: number };
export type RebuildResult = { projection: string; generation: number; checkpoint: bigint | null };

type Cursor = { generation: number; checkpoint: bigint | null; lastRecordedAt?: Date };

class StoppedError extends Error {
  override readonly name = 'StoppedError';
}

/**
 * Feeds every projection from one subscription to all events. Each projection applies only the
 * events beyond its own checkpoint, in one ReadStore transaction per batch with that checkpoint.
 * A failing event is retried with back-off, then parked for that projection alone; the runner never
 * dies and never stalls silently (lag and parked counts are in status()).
 *
 * Rebuild: fills generation active+1 from position 0 while the live runner keeps the active one up
 * to date; then, holding the lock the live batches take, it catches the new generation up to the
 * head, activates it and moves the live cursor onto it, so the next live batch continues there.
 */
export class ProjectionRunner {
  /** Every committed batch, per projection (observers, tests, metrics). */
  readonly committed$ = new Subject<BatchCommitted>();

  private readonly eventStore: EventStore;
  private readonly readStore: ReadStore;
  private readonly projections: readonly Projection[];
  private readonly logger: RunnerLogger;
  private readonly batchSize: number;
  private readonly liveBatchIntervalMs: number;
  private readonly maxAttempts: number;
  private readonly retryBaseMs: number;
  private readonly rebuildBatchSize: number;
  private readonly rebuildHeldDocs: number;
  private readonly cursors = new Map<string, Cursor>();
  private readonly waiters = new PositionWaiters((position) => this.reached(position));
  private readonly lock = new Mutex();
  private initialized: Promise<void> | null = null;
  private abort: AbortController | null = null;
  private loop: Promise<void> | null = null;

  constructor(options: ProjectionRunnerOptions) {
    this.eventStore = options.eventStore;
    this.readStore = options.readStore;
    this.projections = options.projections;
    this.logger = options.logger;
    this.batchSize = options.batchSize ?? 1000;
    this.maxAttempts = Math.max(1, options.maxAttempts ?? 5);
    this.retryBaseMs = options.retryBaseMs ?? 100;
    const interval = options.liveBatchIntervalMs ?? 0;
    if (!Number.isFinite(interval) || interval < 0) throw new RangeError('liveBatchIntervalMs must be a number >= 0');
    this.liveBatchIntervalMs = interval;
    this.rebuildBatchSize = options.rebuildBatchSize ?? 1000;
    this.rebuildHeldDocs = Math.max(1, options.rebuildHeldDocs ?? 150_000);
    const names = new Set(this.projections.map((p) => p.name));
    if (names.size !== this.projections.length) throw new RangeError('projection names must be unique');
  }

  /** Registers the projections, loads their checkpoints and starts the subscription (in the background). */
  async start(): Promise<void> {
    if (this.loop) return;
    await this.ensureReady();
    const abort = new AbortController();
    this.abort = abort;
    this.loop = this.runLive(abort.signal);
    this.logger.info({ projections: this.projections.map((p) => p.name) }, 'projection runner started');
  }

  /** Stops the subscription and waits for the batch in flight; nothing half-applied is left. */
  async stop(): Promise<void> {
    if (!this.loop || !this.abort) return;
    this.abort.abort();
    await this.loop;
    this.loop = null;
    this.abort = null;
    this.logger.info({}, 'projection runner stopped');
  }

  async status(): Promise<ProjectionStatus[]> {
    await this.ensureInitialized();
    const headPosition = await this.eventStore.headPosition();
    const rows: ProjectionStatus[] = [];
    for (const projection of this.projections) {
      const generation = await this.readStore.activeGeneration(projection.name);
      const checkpoint = await this.readStore.checkpoint(projection.name);
      const behind = headPosition - (checkpoint ?? 0n);
      const lastRecordedAt = this.cursors.get(projection.name)?.lastRecordedAt;
      rows.push({
        projection: projection.name,
        generation,
        checkpoint,
        headPosition,
        lag: behind > 0n ? behind : 0n,
        ...(lastRecordedAt ? { lastEventAgeMs: Math.max(0, Date.now() - lastRecordedAt.getTime()) } : {}),
        parked: await this.countParked(projection.name),
      });
    }
    return rows;
  }

  /** True as soon as every projection has applied `position`; false after timeoutMs. */
  waitForPosition(position: GlobalPosition, timeoutMs: number): Promise<boolean> {
    return this.waiters.wait(position, timeoutMs);
  }

  /**
   * Replays every event into a fresh generation of the projection (or of all), then switches reads
   * to it. Reads keep using the old generation meanwhile; the live runner continues on the new one.
   */
  async rebuild(
    target: string,
    options: { onProgress?: (progress: RebuildProgress) => void } = {},
  ): Promise<RebuildResult[]> {
    await this.ensureReady();
    const targets = target === 'all' ? [...this.projections] : this.projections.filter((p) => p.name === target);
    if (targets.length === 0) throw new RangeError(`unknown projection ${target}`);
    const fresh = new Map<string, Cursor>();
    for (const projection of targets) {
      const generation = (await this.readStore.activeGeneration(projection.name)) + 1;
      await this.readStore.prepareGeneration(projection.name, generation);
      fresh.set(projection.name, { generation, checkpoint: null });
      this.logger.info({ projection: projection.name, generation }, 'rebuild started');
    }
    const startedAt = Date.now();
    let position = 0n;
    let replayed = 0;
    // Only the events some target projects are read, when every target says which they are.
    const eventTypes = targets.every((projection) => projection.eventTypes !== undefined)
      ? [...new Set(targets.flatMap((projection) => projection.eventTypes!))]
      : undefined;
    // Only this rebuild writes the fresh generations, so a document it has not written yet is
    // merged as one to create (DocOpMerger storeEmpty).
    const windows = targets.map((projection) => ({
      projection,
      cursor: fresh.get(projection.name)!,
      merger: new DocOpMerger({ storeEmpty: true }),
      poisoned: false,
      /** Documents were written ahead of the checkpoint (applyMergedDocs): a replay must start over. */
      ahead: false,
      /** It started over once: from then on it writes only with its checkpoint, so it never has to again. */
      startedOver: false,
    }));
    type Window = (typeof windows)[number];
    /** Writes what the projection's window merged since its last flush, in one transaction. */
    const flushWindow = async (window: Window): Promise<void> => {
      const from = window.cursor.checkpoint ?? 0n;
      if (from >= position) return;
      const docs = window.merger.drain();
      if (!window.poisoned) {
        try {
          await this.retry(() => this.readStore.applyMergedBatch(window.projection.name, docs, position, window.cursor.generation), undefined, {
            projection: window.projection.name,
            position: String(position),
            what: 'applyMergedBatch',
          });
          window.cursor.checkpoint = position;
          window.ahead = false;
          return;
        } catch {
          // Is the store down (ping throws: the rebuild fails) or is one event's write poisoned (find and park it)?
          await this.readStore.ping();
        }
      }
      window.poisoned = false;
      if (window.ahead) {
        // Events behind the checkpoint already count in documents written ahead of it: start over.
        this.logger.warn({ projection: window.projection.name, position: String(position) }, 'rebuild replays its generation from the start to park an event');
        await this.readStore.prepareGeneration(window.projection.name, window.cursor.generation);
        window.cursor.checkpoint = null;
        window.ahead = false;
        window.startedOver = true;
      }
      await this.replayWindow(window.projection, window.cursor, position);
      window.merger = new DocOpMerger();
    };
    const flush = async (): Promise<void> => {
      for (const window of windows) await flushWindow(window);
    };
    const pending = (): number => windows.reduce((sum, window) => sum + window.merger.size, 0);
    /**
     * Over the memory bound: writes out whole collections, those merging least first. A
     * collection's merging is the ops that landed on a document it held, plus the documents it
     * holds again after writing them out, per document held. Every collection merging less than
     * half an op per document goes, then more until three quarters of the bound is held. So
     * documents touched about once (a creator's supporters) are written as they come, and those
     * touched again and again (wallets) stay, each written once at the end instead of every flush.
     * A window that had to start over writes all it holds with its checkpoint instead.
     */
    const relieve = async (): Promise<void> => {
      const candidates = windows
        .filter((window) => !window.poisoned)
        .flatMap((window) => window.merger.collections().map((held) => ({ window, ...held, merging: (held.hits + held.returns) / Math.max(1, held.size) })))
        .sort((a, b) => a.merging - b.merging);
      for (const { window, collection, merging } of candidates) {
        if (merging >= 0.5 && pending() <= this.rebuildHeldDocs * 0.75) return;
        // A write that failed just now: the window starts over anyway, so nothing more of it is written.
        if (window.poisoned) continue;
        if (window.startedOver) {
          if (window.merger.size > 0) await flushWindow(window);
          continue;
        }
        const docs = window.merger.drainCollection(collection);
        window.ahead = true;
        try {
          await this.retry(() => this.readStore.applyMergedDocs(window.projection.name, docs, window.cursor.generation), undefined, {
            projection: window.projection.name,
            collection,
            what: 'applyMergedDocs',
          });
        } catch {
          await this.readStore.ping();
          // The pump replays the window from the start and parks the event.
          window.poisoned = true;
        }
      }
    };
    const pump = async (): Promise<boolean> => {
      // A read of some types says nothing of the others: what it scanned is known from the head
      // taken before it. A read short of a full batch scanned up to that head at least. The same
      // head is the progress report's.
      const headBefore = eventTypes || options.onProgress ? await this.eventStore.headPosition() : 0n;
      const events = await this.eventStore.readAll({ after: position, maxCount: this.rebuildBatchSize, ...(eventTypes ? { eventTypes } : {}) });
      const scanned = eventTypes && events.length < this.rebuildBatchSize && headBefore > position ? headBefore : position;
      if (events.length === 0) {
        position = scanned;
        return false;
      }
      for (const window of windows) {
        if (window.poisoned) continue;
        try {
          for (const event of events) {
            const ops = this.project(window.projection, event);
            // Only the retry path is a promise: awaiting every event would cost a microtask each.
            window.merger.addAll(Array.isArray(ops) ? ops : await ops);
          }
        } catch (error) {
          if (!(error instanceof DocOpError)) throw error;
          // Merging found an op that cannot apply: the flush replays this window event by event.
          window.poisoned = true;
        }
      }
      const last = events[events.length - 1]!.position;
      position = last > scanned ? last : scanned;
      replayed += events.length;
      // A window of inserts only (one new document per event, as wallet transactions) gains nothing
      // by waiting: it is written now, and the memory bound goes to the windows that do merge.
      for (const window of windows) if (window.merger.size > 0 && window.merger.onlyInserts && !window.poisoned) await flushWindow(window);
      if (pending() >= this.rebuildHeldDocs) await relieve();
      // A window that met an op it cannot apply replays now, parking the event, and merges on.
      for (const window of windows) if (window.poisoned) await flushWindow(window);
      // Every promise above may already be settled (the embedded stores are synchronous): let
      // timers, signals and I/O of this process run between batches.
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (options.onProgress) {
        // Events appended since the head was read may be in this batch already.
        const head = headBefore > position ? headBefore : position;
        const eventsPerSecond = Math.round((replayed * 1000) / Math.max(1, Date.now() - startedAt));
        for (const projection of targets) options.onProgress({ projection: projection.name, position, head, eventsPerSecond });
      }
      return true;
    };
    while (await pump());
    await flush();
    // Indexes are built once from the filled tables, outside the lock the live batches take.
    for (const projection of targets) {
      const indexingStarted = Date.now();
      await this.readStore.indexGeneration(projection.name, fresh.get(projection.name)!.generation);
      this.logger.info({ projection: projection.name, ms: Date.now() - indexingStarted }, 'rebuild indexed its generation');
    }
    return this.lock.run(async () => {
      while (await pump());
      await flush();
      const results: RebuildResult[] = [];
      for (const projection of targets) {
        const cursor = fresh.get(projection.name)!;
        await this.readStore.activateGeneration(projection.name, cursor.generation);
        this.cursors.set(projection.name, cursor);
        results.push({ projection: projection.name, generation: cursor.generation, checkpoint: cursor.checkpoint });
        this.logger.info({ projection: projection.name, generation: cursor.generation, position: String(cursor.checkpoint) }, 'rebuild switched over');
      }
      this.notifyWaiters();
      return results;
    });
  }

  private async ensureInitialized(): Promise<void> {
    this.initialized ??= this.readStore.init(this.projections.map(withParkedEvents)).catch((error: unknown) => {
      this.initialized = null;
      throw error;
    });
    await this.initialized;
  }

  private async ensureReady(): Promise<void> {
    await this.ensureInitialized();
    if (this.cursors.size === this.projections.length) return;
    await this.lock.run(async () => {
      for (const projection of this.projections) {
        if (this.cursors.has(projection.name)) continue;
        const generation = await this.readStore.activeGeneration(projection.name);
        this.cursors.set(projection.name, { generation, checkpoint: await this.readStore.checkpoint(projection.name, generation) });
      }
    });
  }

  private reached(position: GlobalPosition): boolean {
    if (position <= 0n) return true;
    if (this.cursors.size < this.projections.length) return false;
    for (const cursor of this.cursors.values()) {
      if (cursor.checkpoint === null || cursor.checkpoint < position) return false;
    }
    return true;
  }

  private notifyWaiters(): void {
    this.waiters.notify();
  }

  /** The subscription, restarted from the lowest checkpoint after any failure, until stopped. */
  private async runLive(signal: AbortSignal): Promise<void> {
    let failures = 0;
    while (!signal.aborted) {
      try {
        const after = this.lowestCheckpoint();
        const batches = this.eventStore.subscribeToAll({ ...(after === null ? {} : { after }), signal, maxBatch: this.batchSize });
        for await (const events of batches) {
          if (signal.aborted) break;
          const startedAt = Date.now();
          await this.lock.run(async () => {
            for (const projection of this.projections) {
              await this.applyEvents(projection, this.cursors.get(projection.name)!, events, signal);
            }
          });
          failures = 0;
          await paceAfterBatch(startedAt, this.liveBatchIntervalMs, events.length >= this.batchSize, signal);
        }
      } catch (error) {
        if (signal.aborted) break;
        failures += 1;
        const delayMs = backOffDelay(failures, this.retryBaseMs);
        this.logger.error({ err: error, failures, delayMs }, 'projection subscription failed; resubscribing from the checkpoints');
        await sleep(delayMs, signal);
      }
    }
  }

  private lowestCheckpoint(): bigint | null {
    let lowest: bigint | null = null;
    for (const cursor of this.cursors.values()) {
      if (cursor.checkpoint === null) return null;
      if (lowest === null || cursor.checkpoint < lowest) lowest = cursor.checkpoint;
    }
    return lowest;
  }

  /** Applies the events beyond the cursor's checkpoint in one transaction and moves the cursor. */
  private async applyEvents(projection: Projection, cursor: Cursor, events: readonly RecordedEvent[], signal?: AbortSignal): Promise<void> {
    const fresh = cursor.checkpoint === null ? events : events.filter((e) => e.position > cursor.checkpoint!);
    if (fresh.length === 0) return;
    const last = fresh[fresh.length - 1]!;
    const opsPerEvent: DocOp[][] = [];
    for (const event of fresh) opsPerEvent.push(await this.project(projection, event, signal));
    let applied: boolean;
    try {
      applied = await this.retry(() => this.readStore.applyBatch(projection.name, opsPerEvent.flat(), last.position, cursor.generation), signal, {
        projection: projection.name,
        position: String(last.position),
        what: 'applyBatch',
      });
    } catch (error) {
      if (error instanceof StoppedError) throw error;
      // Is the store down (retry the whole batch later) or is one event's write poisoned (find and park it)?
      await this.readStore.ping();
      applied = await this.applyOneByOne(projection, cursor, fresh, opsPerEvent);
    }
    if (applied) {
      cursor.checkpoint = last.position;
    } else {
      // A redelivery the store already holds: take its checkpoint, it is at least as far.
      cursor.checkpoint = await this.readStore.checkpoint(projection.name, cursor.generation);
    }
    cursor.lastRecordedAt = last.recordedAt;
    this.committed$.next({ projection: projection.name, generation: cursor.generation, position: last.position, events: fresh.length });
    this.notifyWaiters();
  }

  /**
   * Applies the events after the cursor up to `until` batch by batch, as the live runner does: the
   * slow path of a rebuild window whose merged write failed, which finds the event and parks it.
   */
  private async replayWindow(projection: Projection, cursor: Cursor, until: GlobalPosition): Promise<void> {
    for (;;) {
      const after = cursor.checkpoint ?? 0n;
      if (after >= until) return;
      const events = (await this.eventStore.readAll({ after, maxCount: this.rebuildBatchSize })).filter((e) => e.position <= until);
      if (events.length === 0) return;
      await this.applyEvents(projection, cursor, events);
    }
  }

  /** The event's ops, synchronously when the projection does not throw (no promise per event). */
  private project(projection: Projection, event: RecordedEvent, signal?: AbortSignal): DocOp[] | Promise<DocOp[]> {
    try {
      return projection.project(event);
    } catch (error) {
      return this.projectWithRetry(projection, event, error, signal);
    }
  }

  private async applyOneByOne(
    projection: Projection,
    cursor: Cursor,
    events: readonly RecordedEvent[],
    opsPerEvent: readonly DocOp[][],
  ): Promise<boolean> {
    let applied = false;
    for (let i = 0; i < events.length; i += 1) {
      const event = events[i]!;
      try {
        applied = (await this.readStore.applyBatch(projection.name, opsPerEvent[i]!, event.position, cursor.generation)) || applied;
      } catch (error) {
        this.logParked(projection, event, error, this.maxAttempts);
        const park = parkEventOp(projection.name, event, error, this.maxAttempts, new Date());
        applied = (await this.readStore.applyBatch(projection.name, [park], event.position, cursor.generation)) || applied;
      }
    }
    return applied;
  }

  /** After the projection threw firstError: the event's ops, or after maxAttempts failures the op that parks it. */
  private async projectWithRetry(projection: Projection, event: RecordedEvent, firstError: unknown, signal?: AbortSignal): Promise<DocOp[]> {
    let error = firstError;
    for (let attempt = 1; ; attempt += 1) {
      if (attempt >= this.maxAttempts) {
        this.logParked(projection, event, error, attempt);
        return [parkEventOp(projection.name, event, error, attempt, new Date())];
      }
      this.logger.warn(
        { projection: projection.name, position: String(event.position), eventId: event.eventId, type: event.type, attempt, err: error },
        'projection failed on an event; retrying',
      );
      await this.pause(attempt, signal);
      try {
        return projection.project(event);
      } catch (next) {
        error = next;
      }
    }
  }

  private async retry<T>(work: () => Promise<T>, signal: AbortSignal | undefined, context: Record<string, unknown>): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await work();
      } catch (error) {
        if (attempt >= this.maxAttempts) throw error;
        this.logger.warn({ ...context, attempt, err: error }, 'read store write failed; retrying');
        await this.pause(attempt, signal);
      }
    }
  }

  private async pause(attempt: number, signal?: AbortSignal): Promise<void> {
    await sleep(backOffDelay(attempt, this.retryBaseMs), signal);
    if (signal?.aborted) throw new StoppedError('projection runner stopped during a retry');
  }

  private logParked(projection: Projection, event: RecordedEvent, error: unknown, attempts: number): void {
    this.logger.error(
      { projection: projection.name, position: String(event.position), eventId: event.eventId, type: event.type, attempts, err: error },
      'event parked: the projection skips it until a rebuild',
    );
  }

  private async countParked(projection: string): Promise<number> {
    const collection = parkedEventsCollection(projection);
    let count = 0;
    let startAfter: [string] | undefined;
    for (;;) {
      const page = await this.readStore.find(collection, { orderBy: [['_id', 'asc']], limit: 1000, ...(startAfter ? { startAfter } : {}) });
      count += page.length;
      if (page.length < 1000) return count;
      startAfter = [page[page.length - 1]!._id];
    }
  }
}
