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
import type { Logger } from '../../application/src/logger';

type ThreadData = { role: 'coinstream-projector'; eventsFile: string; readModelsFile: string; logLevel: string; liveBatchIntervalMs: number };
type FromThread =
  | { type: 'checkpoints'; checkpoints: Record<string, string | null> }
  | { type: 'committed'; projection: string; position: string }
  | { type: 'stopped' }
  | { type: 'failed'; message: string };
type ToThread = { type: 'appended' } | { type: 'stop' };

/**
 * The projections of the embedded default on a second core: a worker thread with its own
 * connections reads events.db and is the only writer of read-models.db, while the main thread
 * serves HTTP and appends. It reports every committed batch, so read-your-writes waits on
 * messages, not on polling, and the main thread tells it when events were appended.
 */
export class ProjectorThread {
  private readonly checkpoints = new Map<string, bigint | null>();
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
          worker.off('exit', onExit);
          resolve(thread);
        } else if (message.type === 'committed') {
          thread.advance(message.projection, BigInt(message.position));
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

  /** Lets the batch in flight commit, then ends the thread. */
  stop(): Promise<void> {
    this.stopped ??= new Promise<void>((resolve) => {
      this.worker.once('exit', () => resolve());
      this.worker.postMessage({ type: 'stop' } satisfies ToThread);
    }).then(() => this.logger.info({}, 'projector thread stopped'));
    return this.stopped;
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
  runner.committed$.subscribe((batch) => port.postMessage({ type: 'committed', projection: batch.projection, position: batch.position.toString() } satisfies FromThread));
  port.on('message', (message: ToThread) => {
    if (message.type === 'appended') eventStore.notifyAppendedElsewhere();
    if (message.type === 'stop') {
      void (async () => {
        await runner.stop();
        await Promise.allSettled([eventStore.close(), readStore.close()]);
        port.close();
      })();
    }
  });
  try {
    await runner.start();
    const checkpoints: Record<string, string | null> = {};
    for (const projection of allProjections) checkpoints[projection.name] = (await readStore.checkpoint(projection.name))?.toString() ?? null;
    port.postMessage({ type: 'checkpoints', checkpoints } satisfies FromThread);
  } catch (error) {
    port.postMessage({ type: 'failed', message: (error as Error).message } satisfies FromThread);
    await Promise.allSettled([eventStore.close(), readStore.close()]);
    port.close();
  }
}

if (!isMainThread && (workerData as ThreadData | undefined)?.role === 'coinstream-projector') void runInThread(workerData as ThreadData);
