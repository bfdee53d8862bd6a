import { extname, join } from 'node:path';
import { isMainThread, parentPort, type Worker, workerData } from 'node:worker_threads';
import { pino } from 'pino';
import { SqliteEventStore } from '../../event-store/src/embedded/sqlite-event-store';
import { startWorker } from '../../event-store/src/embedded/source-worker';
import { SqliteReadStore } from '../../read-models/src/embedded/sqlite-read-store';
import { allProjections } from '../../read-models/src/projections';
import { ProjectionRunner, type RebuildProgress, type RebuildResult } from '../../read-models/src/projector/projection-runner';

/** The projections one thread of a rebuild replays, and how many merging documents it may hold. */
export type RebuildThreadGroup = { projections: readonly string[]; heldDocs: number };

/**
 * How `rebuild all` splits over the two cores: by stream category, so each thread reads only its
 * projections' event types and every event is read once. Creator earnings and creator analytics
 * take the creator streams (43 % of the bench's log, but 80 % of its documents: the supporters),
 * wallets and analytics the wallet streams. The supporters merge too little to be worth holding
 * (ProjectionRunner relieve), so that thread holds 30,000 documents; the other keeps the one-thread
 * bound of 150,000, above the about 101,000 wallets and daily gifters it merges to the end.
 * Measured in bench/ANALYSIS.md.
 */
export const REBUILD_THREAD_GROUPS: readonly RebuildThreadGroup[] = [
  { projections: ['wallets', 'analytics'], heldDocs: 150_000 },
  { projections: ['creatorEarnings', 'creatorAnalytics'], heldDocs: 30_000 },
];

export type ThreadedRebuildOptions = {
  eventsFile: string;
  readModelsFile: string;
  /** pino level of the threads' logs (on stderr). */
  logLevel: string;
  groups?: readonly RebuildThreadGroup[];
  /** Each projection's progress, as ProjectionRunner.rebuild reports it. */
  onProgress?: (progress: RebuildProgress) => void;
};

type ThreadData = {
  role: 'coinstream-rebuild';
  eventsFile: string;
  readModelsFile: string;
  logLevel: string;
  group: RebuildThreadGroup;
  pageCacheMiB: number;
};
type FromThread =
  | { type: 'progress'; projection: string; position: string; head: string; eventsPerSecond: number }
  | { type: 'done'; results: Array<{ projection: string; generation: number; checkpoint: string | null }> }
  | { type: 'failed'; message: string };

/**
 * Rebuilds every read model of the embedded stores on worker threads, one per group, each with its
 * own connections running ProjectionRunner.rebuild for its projections: each projection switches
 * to its fresh generation when its own thread is done. If one thread fails, the others are stopped
 * (a transaction they were in rolls back); the failed thread's projections keep their generation,
 * and so do the others' unless they had switched already. The error says which thread failed, why.
 * Like the one-thread rebuild, nothing else may write the read models meanwhile (the CLI's usage).
 */
export async function rebuildOnThreads(options: ThreadedRebuildOptions): Promise<RebuildResult[]> {
  const groups = options.groups ?? REBUILD_THREAD_GROUPS;
  checkGroups(groups);
  // Migrated and registered once here, so the threads never race to create the same tables.
  await SqliteEventStore.open({ file: options.eventsFile }).close();
  const registry = SqliteReadStore.open({ file: options.readModelsFile });
  try {
    await registry.init(allProjections);
  } finally {
    await registry.close();
  }
  const workers: Worker[] = [];
  const finished = groups.map((group) => {
    const data: ThreadData = {
      role: 'coinstream-rebuild',
      eventsFile: options.eventsFile,
      readModelsFile: options.readModelsFile,
      logLevel: options.logLevel,
      group,
      // A quarter of the one-thread default each: on the million-event bench, 8 MiB per thread was
      // as fast as 16 (three alternating pairs) and peaked 20 MB lower (bench/ANALYSIS.md).
      pageCacheMiB: 8,
    };
    const worker = startWorker(join(__dirname, `rebuild-threads${extname(__filename)}`), data);
    workers.push(worker);
    const what = `the rebuild thread of ${group.projections.join(' and ')}`;
    return new Promise<RebuildResult[]>((resolve, reject) => {
      let results: RebuildResult[] | null = null;
      worker.on('message', (message: FromThread) => {
        if (message.type === 'progress') {
          options.onProgress?.({ projection: message.projection, position: BigInt(message.position), head: BigInt(message.head), eventsPerSecond: message.eventsPerSecond });
        } else if (message.type === 'done') {
          results = message.results.map((r) => ({ projection: r.projection, generation: r.generation, checkpoint: r.checkpoint === null ? null : BigInt(r.checkpoint) }));
        } else {
          reject(new Error(`${what} failed: ${message.message}`));
        }
      });
      worker.once('error', (error) => reject(new Error(`${what} failed: ${error.message}`)));
      worker.once('exit', (code) => (results ? resolve(results) : reject(new Error(`${what} stopped (exit code ${code}) before it was done`))));
    });
  });
  try {
    const perGroup = await Promise.all(finished);
    const results = perGroup.flat();
    return allProjections.flatMap((projection) => results.filter((r) => r.projection === projection.name));
  } catch (error) {
    await Promise.allSettled(workers.map((worker) => worker.terminate()));
    await Promise.allSettled(finished);
    throw error;
  }
}

/** Every projection in exactly one group, each group with a positive bound. */
function checkGroups(groups: readonly RebuildThreadGroup[]): void {
  const names = groups.flatMap((group) => group.projections);
  const known = allProjections.map((projection) => projection.name);
  const missing = known.filter((name) => !names.includes(name));
  const unknown = names.filter((name) => !known.includes(name));
  const twice = names.filter((name, i) => names.indexOf(name) !== i);
  if (missing.length > 0 || unknown.length > 0 || twice.length > 0 || groups.some((g) => g.projections.length === 0 || !(g.heldDocs >= 1))) {
    throw new RangeError(
      `rebuild thread groups must hold every projection once (missing: ${missing.join(', ') || 'none'}, unknown: ${unknown.join(', ') || 'none'}, twice: ${twice.join(', ') || 'none'}) and hold at least one document each`,
    );
  }
}

/** Inside a thread: ProjectionRunner.rebuild of its group, on its own connections. */
async function rebuildInThread(data: ThreadData): Promise<void> {
  const port = parentPort!;
  const logger = pino({ level: data.logLevel, base: { service: 'coinstream-rebuild-thread', projections: data.group.projections } }, pino.destination(2));
  const eventStore = SqliteEventStore.open({ file: data.eventsFile, logger });
  // The other threads write their generations meanwhile: a long transaction of theirs (a collection
  // written out, an index built) is waited for rather than retried.
  const readStore = SqliteReadStore.open({ file: data.readModelsFile, busyTimeoutMs: 60_000, pageCacheMiB: data.pageCacheMiB });
  try {
    const projections = allProjections.filter((projection) => data.group.projections.includes(projection.name));
    const runner = new ProjectionRunner({ eventStore, readStore, projections, logger, rebuildHeldDocs: data.group.heldDocs });
    const results = await runner.rebuild('all', {
      onProgress: (p) =>
        port.postMessage({ type: 'progress', projection: p.projection, position: p.position.toString(), head: p.head.toString(), eventsPerSecond: p.eventsPerSecond } satisfies FromThread),
    });
    port.postMessage({
      type: 'done',
      results: results.map((r) => ({ projection: r.projection, generation: r.generation, checkpoint: r.checkpoint?.toString() ?? null })),
    } satisfies FromThread);
  } catch (error) {
    port.postMessage({ type: 'failed', message: (error as Error).message } satisfies FromThread);
  } finally {
    await Promise.allSettled([eventStore.close(), readStore.close()]);
    port.close();
  }
}

if (!isMainThread && (workerData as ThreadData | undefined)?.role === 'coinstream-rebuild') void rebuildInThread(workerData as ThreadData);
