import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EventStore, GlobalPosition } from '../../event-store/src/event-store.port';
import type { ReadStore } from '../../read-models/src/read-store.port';
import { SqliteEventStore } from '../../event-store/src/embedded/sqlite-event-store';
import { EventStoreDbEventStore } from '../../event-store/src/eventstoredb/eventstoredb-event-store';
import { SqliteReadStore } from '../../read-models/src/embedded/sqlite-read-store';
import { MongoReadStore } from '../../read-models/src/mongodb/mongo-read-store';
import { allProjections } from '../../read-models/src/projections';
import { ProjectionRunner } from '../../read-models/src/projector/projection-runner';
import { type Catalog, creatorDecider, defaultCatalog, parseCatalog, paymentDecider, walletDecider } from '../../domain/src';
import type { CommandExecutor } from '../../application/src/command-executor';
import { DIAMONDS_REACTOR, DiamondsReactor } from '../../application/src/diamonds-reactor';
import type { Logger } from '../../application/src/logger';
import { economyExecutor } from './command-side';
import { ProjectorThread } from './projector-thread';
import { type AppConfig, ConfigError } from './config';

export type RuntimeOptions = {
  /** Run the projections and the diamonds reactor here (default: config.runProjector). */
  runProjector?: boolean;
  /** Embedded storage: run the projections on a worker thread (a second core) rather than on this one. */
  projectorThread?: boolean;
  /** Embedded storage: commit appends on a worker thread, so this event loop never waits for the fsync. */
  appendThread?: boolean;
};

/**
 * The composition root shared by the api, the projector and the cli: opens the stores the
 * config names, and wires the command executor, the projections and the diamonds reactor.
 */
export class EconomyRuntime {
  private constructor(
    readonly config: AppConfig,
    readonly catalog: Catalog,
    readonly eventStore: EventStore,
    readonly readStore: ReadStore,
    readonly executor: CommandExecutor,
    readonly walletModel: ReturnType<typeof walletDecider>,
    readonly creatorModel: ReturnType<typeof creatorDecider>,
    readonly paymentModel: ReturnType<typeof paymentDecider>,
    readonly runner: ProjectionRunner | null,
    private readonly projectorThread: ProjectorThread | null,
    readonly reactor: DiamondsReactor | null,
    private readonly logger: Logger,
  ) {}

  static async open(config: AppConfig, logger: Logger, options: RuntimeOptions = {}): Promise<EconomyRuntime> {
    const catalog = loadCatalog(config);
    const { eventStore, readStore } = await openStores(config, logger, options.appendThread === true);
    try {
      await readStore.init([...allProjections, { name: DIAMONDS_REACTOR, collections: [] }]);
      const executor = economyExecutor(eventStore, config.commandCache);
      const walletModel = walletDecider(catalog);
      const creatorModel = creatorDecider(catalog);
      const paymentModel = paymentDecider(catalog);
      const runProjector = options.runProjector ?? config.runProjector;
      const threaded = runProjector && options.projectorThread === true && eventStore instanceof SqliteEventStore && config.storage.kind === 'embedded';
      const runner = runProjector && !threaded
        ? new ProjectionRunner({ eventStore, readStore, projections: allProjections, logger, liveBatchIntervalMs: config.projectorBatchIntervalMs })
        : null;
      const projectorThread = threaded && config.storage.kind === 'embedded'
        ? await ProjectorThread.start({
            ...embeddedFiles(config.storage.dataDir),
            logLevel: config.logLevel,
            liveBatchIntervalMs: config.projectorBatchIntervalMs,
            catalog,
            logger,
            appendsFrom: eventStore,
          })
        : null;
      // With a projector thread the reactor runs there too, next to the projections, off the
      // event loop that serves requests (bench/ANALYSIS.md); otherwise here.
      const reactor = runProjector && !projectorThread
        ? new DiamondsReactor({ eventStore, readStore, executor, creatorModel, logger, batchIntervalMs: config.projectorBatchIntervalMs })
        : null;
      const runtime = new EconomyRuntime(
        config, catalog, eventStore, readStore, executor, walletModel, creatorModel, paymentModel, runner, projectorThread, reactor, logger,
      );
      await runner?.start();
      await reactor?.start();
      return runtime;
    } catch (error) {
      await Promise.allSettled([eventStore.close(), readStore.close()]);
      throw error;
    }
  }

  /** Waits until every read model has applied `position` (read-your-writes); false on timeout. */
  async waitForPosition(position: GlobalPosition, timeoutMs: number): Promise<boolean> {
    if (this.runner) return this.runner.waitForPosition(position, timeoutMs);
    if (this.projectorThread) return this.projectorThread.waitForPosition(position, timeoutMs);
    return pollUntil(async () => (await this.asOfPosition()) >= position, timeoutMs);
  }

  /** Waits until the event log itself holds `position` (a read of a stream); false on timeout. */
  async waitForLog(position: GlobalPosition, timeoutMs: number): Promise<boolean> {
    return pollUntil(async () => (await this.eventStore.headPosition()) >= position, timeoutMs);
  }

  /** The position every read model has reached: what a read reflects at least. */
  async asOfPosition(): Promise<GlobalPosition> {
    let min: GlobalPosition | null = null;
    for (const projection of allProjections) {
      const checkpoint = (await this.readStore.checkpoint(projection.name)) ?? 0n;
      if (min === null || checkpoint < min) min = checkpoint;
    }
    return min ?? 0n;
  }

  async projectionStatus(): Promise<Array<{ name: string; checkpoint: string | null; lag: string; parked?: number }>> {
    const head = await this.eventStore.headPosition();
    const rows: Array<{ name: string; checkpoint: string | null; lag: string; parked?: number }> = [];
    /** The row of work this process does not run itself, from the checkpoint it reached. */
    const reached = (name: string, checkpoint: GlobalPosition | null) => ({
      name,
      checkpoint: checkpoint?.toString() ?? null,
      lag: (head - (checkpoint ?? 0n)).toString(),
    });
    if (this.runner) {
      for (const s of await this.runner.status()) {
        rows.push({ name: s.projection, checkpoint: s.checkpoint?.toString() ?? null, lag: s.lag.toString(), parked: s.parked });
      }
    } else {
      for (const projection of allProjections) rows.push(reached(projection.name, await this.readStore.checkpoint(projection.name)));
    }
    if (this.reactor) {
      const s = await this.reactor.status();
      rows.push({ name: s.name, checkpoint: s.checkpoint?.toString() ?? null, lag: s.lag.toString() });
    } else if (this.projectorThread) {
      // The reactor runs on the projector thread, which reports each of its batches.
      rows.push(reached(DIAMONDS_REACTOR, this.projectorThread.reactorCheckpoint()));
    }
    return rows;
  }

  /** Stops the background work first, then closes the stores (pending appends are flushed). */
  async close(): Promise<void> {
    await Promise.allSettled([this.reactor?.stop(), this.runner?.stop(), this.projectorThread?.stop()]);
    const results = await Promise.allSettled([this.eventStore.close(), this.readStore.close()]);
    for (const r of results) {
      if (r.status === 'rejected') this.logger.error({ err: r.reason }, 'closing a store failed');
    }
  }
}

/** Checks every 20 ms until `reached` says so (true) or `timeoutMs` passed (false). */
async function pollUntil(reached: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await reached()) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The embedded storage's two files in DATA_DIR. */
export function embeddedFiles(dataDir: string): { eventsFile: string; readModelsFile: string } {
  return { eventsFile: join(dataDir, 'events.db'), readModelsFile: join(dataDir, 'read-models.db') };
}

function loadCatalog(config: AppConfig): Catalog {
  if (config.catalogFile === null) return defaultCatalog();
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(config.catalogFile, 'utf8'));
  } catch (error) {
    throw new ConfigError(`CATALOG_FILE ${config.catalogFile} could not be read as JSON: ${(error as Error).message}`);
  }
  try {
    return parseCatalog(json);
  } catch (error) {
    throw new ConfigError(`CATALOG_FILE ${config.catalogFile} is not a valid catalog: ${(error as Error).message}`);
  }
}

async function openStores(config: AppConfig, logger: Logger, appendThread: boolean): Promise<{ eventStore: EventStore; readStore: ReadStore }> {
  if (config.storage.kind === 'embedded') {
    mkdirSync(config.storage.dataDir, { recursive: true });
    const { eventsFile, readModelsFile } = embeddedFiles(config.storage.dataDir);
    const eventStore = SqliteEventStore.open({ file: eventsFile, logger, appendThread });
    const readStore = SqliteReadStore.open({ file: readModelsFile });
    return { eventStore, readStore };
  }
  const eventStore = await EventStoreDbEventStore.connect(config.storage.eventStoreUrl, { logger });
  try {
    const readStore = await MongoReadStore.connect(config.storage.mongodbUrl, { dbName: config.storage.mongodbDb, logger });
    return { eventStore, readStore };
  } catch (error) {
    await eventStore.close();
    throw error;
  }
}
