import { extname, join } from 'node:path';
import { isMainThread, parentPort, type Worker, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { closeWorker, startWorker } from './source-worker';

type ThreadData = { role: 'coinstream-checkpoint-thread'; file: string; intervalMs: number };
type ToThread = { type: 'close' };
/** A checkpoint copied frames back. */
type FromThread = { type: 'checkpointed' };

/**
 * Copies committed WAL frames back into the database file on a thread of its own, every
 * `intervalMs`, so the writer never does it inside a commit. SQLite's automatic checkpoint runs
 * in the commit that crosses the threshold: that commit (and every append waiting for it) took
 * 30-60 ms instead of 3 (bench/ANALYSIS.md). PASSIVE mode waits for no reader or writer; the
 * writer keeps a far higher automatic threshold as a fallback, should this thread fall behind.
 * Durability does not depend on it: a commit is on disk once its WAL frames are fsync'd.
 */
export class CheckpointThread {
  private closed: Promise<void> | null = null;
  private exited = false;
  private checkpoints = 0;

  private constructor(private readonly worker: Worker) {
    // It never keeps the process alive on its own.
    worker.unref();
    worker.on('message', (message: FromThread) => {
      if (message.type === 'checkpointed') this.checkpoints += 1;
    });
    worker.on('exit', () => (this.exited = true));
  }

  static start(options: { file: string; intervalMs: number }): CheckpointThread {
    const data: ThreadData = { role: 'coinstream-checkpoint-thread', ...options };
    return new CheckpointThread(startWorker(join(__dirname, `checkpoint-thread${extname(__filename)}`), data));
  }

  /** Checkpoints that copied frames back since start. */
  get copies(): number {
    return this.checkpoints;
  }

  close(): Promise<void> {
    this.closed ??= closeWorker(this.worker, this.exited);
    return this.closed;
  }
}

function runInThread(data: ThreadData): void {
  const port = parentPort!;
  let db: Database.Database;
  try {
    db = new Database(data.file, { fileMustExist: true });
    // The database file is fsync'd after each checkpoint, before the WAL can be reused.
    db.pragma('synchronous = FULL');
  } catch {
    // The writer's own automatic checkpoint still bounds the WAL.
    port.close();
    return;
  }
  const timer = setInterval(() => {
    try {
      const [result] = db.pragma('wal_checkpoint(PASSIVE)') as Array<{ checkpointed: number }>;
      if (result && result.checkpointed > 0) port.postMessage({ type: 'checkpointed' } satisfies FromThread);
    } catch {
      // A failed checkpoint copies nothing; the next one (or the writer's fallback) catches up.
    }
  }, data.intervalMs);
  port.on('message', (message: ToThread) => {
    if (message.type !== 'close') return;
    clearInterval(timer);
    db.close();
    port.close();
  });
}

if (!isMainThread && (workerData as ThreadData | undefined)?.role === 'coinstream-checkpoint-thread') runInThread(workerData as ThreadData);
