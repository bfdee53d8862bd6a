import { extname, join } from 'node:path';
import { isMainThread, MessagePort, parentPort, receiveMessageOnPort, Worker, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import {
  AppendResult,
  DuplicateEventIdError,
  ExpectedRevision,
  StoreUnavailableError,
  StreamRevision,
  WrongExpectedRevisionError,
} from '../event-store.port';
import { AppendOutcome, batchTransaction, BatchOutcome, configureWriteConnection, QueuedAppend, summarize } from './append-writer';
import type { SerializedEvent } from './event-rows';
import { leadingWithin, type Settlement } from './group-commit-queue';
import { closeWorker, startWorker } from './source-worker';
import { toStoreUnavailable } from './sqlite-errors';

type ThreadData = { role: 'coinstream-append-thread'; file: string; busyTimeoutMs: number; maxBatchEvents: number; walAutocheckpointPages: number };
/**
 * A batch of appends as it crosses to the thread: flat (`flattenAppends`), so the structured clone
 * copies strings and numbers and no property names; the thread builds the append objects its
 * writer needs from it (`appendsOf`). `events` is the batch's event count, for the thread's batch
 * limit, which weighs messages before decoding them.
 */
type CommitMessage = { type: 'commit'; id: number; events: number; appends: FlatAppends };
type ToThread = CommitMessage | { type: 'close' };
/** Per append: stream name, expected revision, event count, then per event: id, type, data, metadata. */
type FlatAppends = Array<string | number | bigint>;
/** A rejected append, as it crosses threads (a structured clone keeps no classes). */
type RejectedAppend =
  | { kind: 'wrong_revision'; streamName: string; expected: ExpectedRevision; actual: StreamRevision | 'no_stream' }
  | { kind: 'duplicate_event_id'; eventId: string; streamName: string }
  | { kind: 'other'; message: string };
/** Per append, two entries: its next expected revision and position, or null and why it was rejected. */
type FlatSettlements = Array<bigint | null | RejectedAppend>;
type FromThread =
  | { type: 'committed'; id: number; settlements: FlatSettlements; written: number; acknowledged: number; transactions: 0 | 1 }
  | { type: 'failed'; id: number; message: string };

type Waiting = { resolve: (outcome: BatchOutcome) => void; reject: (error: unknown) => void };

/**
 * The embedded store's writer on a worker thread: it owns the connection that appends and runs
 * each group commit there, so the event loop that serves requests never waits in COMMIT for the
 * fsync. A batch is acknowledged (its promise resolves) only after its transaction committed, that
 * is after the fsync; readers on other connections see it from then on, never before. Batches that
 * queue up while a transaction runs are committed together in the next one, so the thread goes
 * from one fsync to the next without waiting for the event loop to send more.
 *
 * If the thread dies, the batch in flight and every later one reject with StoreUnavailableError:
 * whether the batch in flight committed is unknown, and a retry with the same event ids finds out.
 */
export class AppendThread {
  private readonly waiting = new Map<number, Waiting>();
  private nextId = 1;
  private lastError: Error | null = null;
  private exited: StoreUnavailableError | null = null;
  private closed: Promise<void> | null = null;

  private constructor(
    private readonly worker: Worker,
    private readonly file: string,
  ) {
    // An idle writer does not keep the process alive; a commit in flight does (ref in commit()).
    worker.unref();
    worker.on('message', (message: FromThread) => this.settle(message));
    worker.on('error', (error) => (this.lastError = error));
    worker.on('exit', (code) => {
      const why = this.lastError ? `: ${this.lastError.message}` : '';
      this.exited = new StoreUnavailableError(`embedded event store: the append thread of ${this.file} stopped (exit code ${code})${why}`);
      for (const waiting of this.waiting.values()) waiting.reject(this.exited);
      this.waiting.clear();
    });
  }

  static start(options: { file: string; busyTimeoutMs: number; maxBatchEvents: number; walAutocheckpointPages: number }): AppendThread {
    const data: ThreadData = { role: 'coinstream-append-thread', ...options };
    return new AppendThread(startWorker(join(__dirname, `append-thread${extname(__filename)}`), data), options.file);
  }

  /** Runs one group commit on the thread; rejects with StoreUnavailableError when nothing of it was written. */
  commit(items: readonly QueuedAppend[]): Promise<BatchOutcome> {
    if (this.exited) return Promise.reject(this.exited);
    if (this.closed) return Promise.reject(new StoreUnavailableError('embedded event store: the append thread is closed'));
    const id = this.nextId++;
    return new Promise<BatchOutcome>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      if (this.waiting.size === 1) this.worker.ref();
      const { appends, events } = flattenAppends(items);
      this.worker.postMessage({ type: 'commit', id, events, appends } satisfies ToThread);
    });
  }

  /** Ends the thread after the commits it was given; resolves once it has exited. */
  close(): Promise<void> {
    this.closed ??= closeWorker(this.worker, this.exited !== null);
    return this.closed;
  }

  private settle(message: FromThread): void {
    const waiting = this.waiting.get(message.id);
    if (!waiting) return;
    this.waiting.delete(message.id);
    if (this.waiting.size === 0) this.worker.unref();
    if (message.type === 'failed') {
      waiting.reject(new StoreUnavailableError(message.message));
      return;
    }
    waiting.resolve({
      settlements: settlementsOf(message.settlements),
      written: message.written,
      acknowledged: message.acknowledged,
      transactions: message.transactions,
    });
  }
}

/** The batch as it crosses to the thread, and its event count, in one walk. */
function flattenAppends(items: readonly QueuedAppend[]): { appends: FlatAppends; events: number } {
  const appends: FlatAppends = [];
  let count = 0;
  for (const { streamName, expectedRevision, events } of items) {
    appends.push(streamName, expectedRevision, events.length);
    for (const e of events) appends.push(e.eventId, e.type, e.data, e.metadata);
    count += events.length;
  }
  return { appends, events: count };
}

function appendsOf(flat: FlatAppends): QueuedAppend[] {
  const items: QueuedAppend[] = [];
  for (let at = 0; at < flat.length; ) {
    const streamName = flat[at] as string;
    const expectedRevision = flat[at + 1] as ExpectedRevision;
    const count = flat[at + 2] as number;
    at += 3;
    const events: SerializedEvent[] = [];
    for (let i = 0; i < count; i++, at += 4) {
      events.push({ eventId: flat[at] as string, type: flat[at + 1] as string, data: flat[at + 2] as string, metadata: flat[at + 3] as string });
    }
    items.push({ streamName, expectedRevision, events });
  }
  return items;
}

function flattenSettlements(settlements: readonly Settlement<AppendResult>[]): FlatSettlements {
  const flat: FlatSettlements = [];
  for (const s of settlements) {
    if (s.ok) flat.push(s.value.nextExpectedRevision, s.value.position);
    else flat.push(null, rejectionMessage(s.error));
  }
  return flat;
}

function settlementsOf(flat: FlatSettlements): Settlement<AppendResult>[] {
  const settlements: Settlement<AppendResult>[] = [];
  for (let at = 0; at < flat.length; at += 2) {
    const first = flat[at];
    settlements.push(
      first === null
        ? { ok: false, error: rejectionError(flat[at + 1] as RejectedAppend) }
        : { ok: true, value: { nextExpectedRevision: first as bigint, position: flat[at + 1] as bigint } },
    );
  }
  return settlements;
}

function rejectionMessage(error: unknown): RejectedAppend {
  if (error instanceof WrongExpectedRevisionError) {
    return { kind: 'wrong_revision', streamName: error.streamName, expected: error.expected, actual: error.actual };
  }
  if (error instanceof DuplicateEventIdError) return { kind: 'duplicate_event_id', eventId: error.eventId, streamName: error.streamName };
  return { kind: 'other', message: error instanceof Error ? error.message : String(error) };
}

function rejectionError(rejected: RejectedAppend): Error {
  switch (rejected.kind) {
    case 'wrong_revision':
      return new WrongExpectedRevisionError(rejected.streamName, rejected.expected, rejected.actual);
    case 'duplicate_event_id':
      return new DuplicateEventIdError(rejected.eventId, rejected.streamName);
    default:
      return new Error(rejected.message);
  }
}

/**
 * Inside the thread: the write connection. Commit messages are taken in arrival order; those that
 * queued up while a transaction ran go into the next one together (up to maxBatchEvents events),
 * and each is answered with its own settlements.
 */
function runInThread(data: ThreadData): void {
  const port = parentPort!;
  let db: Database.Database | null = null;
  let commitBatch: ReturnType<typeof batchTransaction> | null = null;
  let openFailure = '';
  try {
    db = new Database(data.file, { timeout: data.busyTimeoutMs, fileMustExist: true });
    configureWriteConnection(db, data.busyTimeoutMs, data.walAutocheckpointPages);
    commitBatch = batchTransaction(db);
  } catch (error) {
    db?.close();
    db = null;
    openFailure = toStoreUnavailable(error, `opening ${data.file} for appends`).message;
  }
  const queued: ToThread[] = [];
  port.on('message', (message: ToThread) => {
    queued.push(message, ...waitingMessages(port));
    while (queued.length > 0) {
      if (queued[0]!.type === 'close') {
        db?.close();
        port.close();
        return;
      }
      const batch = takeCommits(queued, data.maxBatchEvents);
      for (const reply of commitTogether(batch)) port.postMessage(reply);
      queued.push(...waitingMessages(port));
    }
  });

  function commitTogether(batch: readonly CommitMessage[]): FromThread[] {
    if (!commitBatch) return batch.map((m): FromThread => ({ type: 'failed', id: m.id, message: openFailure }));
    const appends = batch.map((m) => appendsOf(m.appends));
    const items = appends.flat();
    let outcomes: AppendOutcome[];
    try {
      // IMMEDIATE takes the write lock first, so revision checks cannot race another process.
      outcomes = commitBatch.immediate(items, Date.now());
    } catch (error) {
      const message = toStoreUnavailable(error, `committing ${items.length} appends`).message;
      return batch.map((m): FromThread => ({ type: 'failed', id: m.id, message }));
    }
    let at = 0;
    return batch.map((m, i): FromThread => {
      const count = appends[i]!.length;
      const { settlements, written, acknowledged, transactions } = summarize(outcomes.slice(at, at + count), i === 0 ? 1 : 0);
      at += count;
      return {
        type: 'committed',
        id: m.id,
        settlements: flattenSettlements(settlements),
        written,
        acknowledged,
        transactions,
      };
    });
  }
}

/** The messages that arrived while this thread was busy, without waiting for their events. */
function waitingMessages(port: MessagePort): ToThread[] {
  const messages: ToThread[] = [];
  for (let next = receiveMessageOnPort(port); next; next = receiveMessageOnPort(port)) messages.push(next.message as ToThread);
  return messages;
}

/** The commit messages at the head of the queue, up to maxEvents events (at least one message). */
function takeCommits(queued: ToThread[], maxEvents: number): CommitMessage[] {
  // A close weighs more than any batch, so it ends one (the caller handles a close at the head).
  const weigh = (message: ToThread) => (message.type === 'commit' ? message.events : Infinity);
  return queued.splice(0, leadingWithin(queued, weigh, maxEvents).count) as CommitMessage[];
}

if (!isMainThread && (workerData as ThreadData | undefined)?.role === 'coinstream-append-thread') runInThread(workerData as ThreadData);
