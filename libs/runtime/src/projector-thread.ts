import { extname, join } from 'node:path';
import { isMainThread, parentPort, type Worker, workerData } from 'node:worker_threads';
import { pino } from 'pino';
import type { GlobalPosition } from '../../event-store/src/event-store.port';
import { SqliteEventStore } from '../../event-store/src/embedded/sqlite-event-store';
import { startWorker } from '../../event-store/src/embedded/source-worker';
import { SqliteReadStore } from '../../read-models/src/embedded/sqlite-read-store';
import { allProjections } from '../../read-models/src/projections';
import { ProjectionRunner } from '../../read-models/src/projector/projection-runner';
import { PositionWaiters } from '../../read-models/src/projector/position-waiters';
import { DIAMONDS_REACTOR, DiamondsReactor } from '../../application/src/diamonds-reactor';
import type { Logger } from '../../application/src/logger';
import { type Catalog, creatorDecider } from '../../domain/src';
import { economyExecutor } from './command-side';

type ThreadData = {
  role: 'coinstream-projector';
  eventsFile: string;
  readModelsFile: string;
  logLevel: string;
  liveBatchIntervalMs: number;
  /** The diamonds reactor's creator model needs it (plain data: it crosses to the thread as a copy). */
  catalog: Catalog;
};
type FromThread =
  | { type: 'checkpoints'; checkpoints: Record<string, string | null>; reactor: string | null }
  | { type: 'credited'; position: string }
  | { type: 'committed'; projection: string; position: string }
  | { type: 'stopped' }
  | { type: 'failed'; message: string };
type ToThread = { type: 'appended' } | { type: 'stop' };

/**
 * The projections and the diamonds reactor of the embedded default on a second core: a worker
 * thread with its own connections reads events.db and is the only writer of read-models.db, while
 * the main thread serves HTTP and appends. The reactor appends its credits on the thread's own
 * connection to events.db (SQLite lets one transaction write at a time; the expected revision of
 * the creator stream keeps the credits exactly once, as with a reactor in another process). It
 * reports every committed batch, so read-your-writes waits on messages, not on polling, and the
 * main thread tells it when events were appended.
 */
export class ProjectorThread {
  private readonly checkpoints = new Map<string, bigint | null>();
  private credited: bigint | null = null;
  private readonly waiters = new PositionWaiters((position) => this.reached(position));
  private stopped: Promise<void> | null = null;

  private constructor(
    private readonly worker: Worker,
    private readonly logger: Logger,
  ) {}

  static start(options: Omit<ThreadData, 'role'> & { logger: Logger; appendsFrom: SqliteEventStore }): Promise<ProjectorThread> {
    const { logger, appendsFrom, ...settings } = options;
    const data: ThreadData = { role: 'coinstream-projector', ...settings };
    // The same file, compiled (.js) or from sources (.ts, as jest runs it).
    const worker = startWorker(join(__dirname, `projector-thread${extname(__filename)}`), data);
    const thread = new ProjectorThread(worker, logger);
    const unsubscribe = appendsFrom.onCommitted(() => worker.postMessage({ type: 'appended' } satisfies ToThread));
    worker.once('exit', unsubscribe);
    return new Promise((resolve, reject) => {
      const onExit = (code: number) => reject(new Error(`the projector thread exited with code ${code} while starting`));
      worker.once('exit', onExit);
      worker.on('error', (error) => {
        logger.error({ err: error }, 'projector thread failed');
        reject(error);
      });
      worker.on('message', (message: FromThread) => {
        if (message.type === 'checkpoints') {
          for (const [name, position] of Object.entries(message.checkpoints)) thread.advance(name, position === null ? null : BigInt(position));
          if (message.reactor !== null) thread.creditedUpTo(BigInt(message.reactor));
          worker.off('exit', onExit);
          resolve(thread);
        } else if (message.type === 'committed') {
          thread.advance(message.projection, BigInt(message.position));
        } else if (message.type === 'credited') {
          thread.creditedUpTo(BigInt(message.position));
        } else if (message.type === 'failed') {
          reject(new Error(message.message));
        }
      });
    });
  }

  /** True once every projection applied `position`; false after timeoutMs. */
  waitForPosition(position: GlobalPosition, timeoutMs: number): Promise<boolean> {
    return this.waiters.wait(position, timeoutMs);
  }

  /** The position up to which the thread's diamonds reactor credited every gift (null before its first batch on a new store). */
  reactorCheckpoint(): bigint | null {
    return this.credited;
  }

  /** Lets the batch in flight commit, then ends the thread. */
  stop(): Promise<void> {
    this.stopped ??= new Promise<void>((resolve) => {
      this.worker.once('exit', () => resolve());
      this.worker.postMessage({ type: 'stop' } satisfies ToThread);
    }).then(() => this.logger.info({}, 'projector thread stopped'));
    return this.stopped;
  }

  private creditedUpTo(position: bigint): void {
    if (this.credited === null || position > this.credited) this.credited = position;
  }

  /** Messages may overtake each other at start-up: a checkpoint only moves forward. */
  private advance(projection: string, position: bigint | null): void {
    const known = this.checkpoints.get(projection);
    if (known === undefined || (position !== null && (known === null || position > known))) this.checkpoints.set(projection, position);
    this.waiters.notify();
  }

  private reached(position: GlobalPosition): boolean {
    if (position <= 0n) return true;
    if (this.checkpoints.size === 0) return false;
    for (const checkpoint of this.checkpoints.values()) if (checkpoint === null || checkpoint < position) return false;
    return true;
  }
}

/** Inside the worker: the same ProjectionRunner as the one-thread mode, on its own connections. */
async function runInThread(data: ThreadData): Promise<void> {
  const port = parentPort!;
  const logger = pino({ level: data.logLevel, base: { service: 'coinstream-projector-thread' } });
  const eventStore = SqliteEventStore.open({ file: data.eventsFile, logger });
  const readStore = SqliteReadStore.open({ file: data.readModelsFile });
  const runner = new ProjectionRunner({ eventStore, readStore, projections: allProjections, logger, liveBatchIntervalMs: data.liveBatchIntervalMs });
  // Its credits are committed on this thread's connection, which wakes the projections' subscription too.
  const reactor = new DiamondsReactor({
    eventStore,
    readStore,
    executor: economyExecutor(eventStore),
    creatorModel: creatorDecider(data.catalog),
    logger,
    batchIntervalMs: data.liveBatchIntervalMs,
  });
  runner.committed$.subscribe((batch) => port.postMessage({ type: 'committed', projection: batch.projection, position: batch.position.toString() } satisfies FromThread));
  reactor.credited$.subscribe((position) => port.postMessage({ type: 'credited', position: position.toString() } satisfies FromThread));
  port.on('message', (message: ToThread) => {
    if (message.type === 'appended') eventStore.notifyAppendedElsewhere();
    if (message.type === 'stop') {
      void (async () => {
        // The reactor first: a credit it commits while the projections stop is projected at the next start.
        await reactor.stop();
        await runner.stop();
        await Promise.allSettled([eventStore.close(), readStore.close()]);
        port.close();
      })();
    }
  });
  try {
    await readStore.init([{ name: DIAMONDS_REACTOR, collections: [] }]);
    await runner.start();
    await reactor.start();
    const checkpoints: Record<string, string | null> = {};
    for (const projection of allProjections) checkpoints[projection.name] = (await readStore.checkpoint(projection.name))?.toString() ?? null;
    const reactorCheckpoint = (await reactor.status()).checkpoint;
    port.postMessage({ type: 'checkpoints', checkpoints, reactor: reactorCheckpoint?.toString() ?? null } satisfies FromThread);
  } catch (error) {
    port.postMessage({ type: 'failed', message: (error as Error).message } satisfies FromThread);
    await Promise.allSettled([reactor.stop(), runner.stop()]);
    await Promise.allSettled([eventStore.close(), readStore.close()]);
    port.close();
  }
}

if (!isMainThread && (workerData as ThreadData | undefined)?.role === 'coinstream-projector') void runInThread(workerData as ThreadData);
