import { EventEmitter } from 'node:events';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import {
  AppendResult,
  EventStore,
  EventToAppend,
  ExpectedRevision,
  GlobalPosition,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  StoreUnavailableError,
  StreamRevision,
  SubscribeOptions,
} from '../event-store.port';
import { batchTransaction, BatchOutcome, configureWriteConnection, QueuedAppend, summarize } from './append-writer';
import { AppendThread } from './append-thread';
import { CheckpointThread } from './checkpoint-thread';
import { EVENT_COLUMNS, EventRow, serializeEvent, STREAM_REVISION_SQL, toRecordedEvent } from './event-rows';
import { GroupCommitQueue, Settlement } from './group-commit-queue';
import { migrate, SCHEMA_VERSION } from './schema';
import { isSqliteFailure, toStoreUnavailable } from './sqlite-errors';

/** Pino-compatible; the store logs opening, migrations and failed batches. */
export type EventStoreLogger = {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
};

export type SqliteEventStoreOptions = {
  /** Path of the database file (its directory is created), or ':memory:' for unit tests. */
  file: string;
  logger?: EventStoreLogger;
  /** How often an idle live subscription looks for appends made by other processes. Default 200. */
  pollIntervalMs?: number;
  /** The most events one commit holds; that many queued commit without waiting for the next turn. Default 1000. */
  maxBatchEvents?: number;
  /**
   * With an append thread: events queued before they are handed to it without waiting for the
   * next turn, so the thread commits while this event loop decides more commands (those that queue
   * behind a running commit share the next one, up to maxBatchEvents). Default 128.
   */
  handOverEvents?: number;
  /** How long to wait for another connection's write lock before giving up. Default 5000. */
  busyTimeoutMs?: number;
  /**
   * Commit appends on a worker thread that owns the write connection, so this event loop never
   * waits in COMMIT for the fsync (what a server wants; a file only, not ':memory:'). Acknowledged
   * appends are on disk either way. Default false: one thread, as scripts and tests want.
   */
  appendThread?: boolean;
};

/** Counters since open; tests assert on them, operators watch them. */
export type SqliteEventStoreStats = {
  /** Group-commit transactions committed. */
  transactions: number;
  /** Group-commit batches that failed as a whole (every append of theirs was rejected). */
  failedTransactions: number;
  /** Appends acknowledged, including idempotent retries. */
  appends: number;
  /** Events written. */
  events: number;
  /** Checkpoints that copied WAL frames back on the checkpoint thread (append thread mode only). */
  walCheckpoints: number;
};

export type SqliteStorageSettings = {
  journalMode: string;
  /** PRAGMA synchronous: 2 is FULL. */
  synchronous: number;
  busyTimeoutMs: number;
  foreignKeys: boolean;
  schemaVersion: number;
};

const DEFAULT_READ_ALL_COUNT = 1000;
const DEFAULT_MAX_BATCH = 1000;

/**
 * The embedded EventStore: an append-only SQLite table, durable on acknowledgement (WAL with
 * synchronous = FULL), appends group-committed so one fsync serves every caller of an event-loop turn.
 */
export class SqliteEventStore implements EventStore {
  private state: 'open' | 'closing' | 'closed' = 'open';
  private readonly counters: Omit<SqliteEventStoreStats, 'walCheckpoints'> = { transactions: 0, failedTransactions: 0, appends: 0, events: 0 };
  private readonly commits = new EventEmitter();
  private readonly queue: GroupCommitQueue<QueuedAppend, AppendResult>;
  /** The group commit on this thread; null when an AppendThread commits instead. */
  private readonly appendBatch: ReturnType<typeof batchTransaction> | null;
  private readonly readStreamRows: Database.Statement<[string, bigint, number], EventRow>;
  private readonly readAllRows: Database.Statement<[bigint, number], EventRow>;
  private readonly readAllOfTypesRows: Database.Statement<[bigint, string, number], EventRow>;
  private readonly tailRows: Database.Statement<[bigint, number], EventRow>;
  private readonly streamRevisionOf: Database.Statement<[string], bigint>;
  private readonly lastPosition: Database.Statement<[], bigint | null>;

  private constructor(
    private readonly db: Database.Database,
    /** Where readAll replays read (see open()); the writer's own connection on ':memory:'. */
    private readonly scanDb: Database.Database,
    private readonly pollIntervalMs: number,
    queuedEvents: number,
    private readonly appendThread: AppendThread | null,
    private readonly checkpointThread: CheckpointThread | null,
    private readonly logger?: EventStoreLogger,
  ) {
    // Every idle subscriber listens; many projections in one process are normal, not a leak.
    this.commits.setMaxListeners(0);
    this.appendBatch = appendThread ? null : batchTransaction(db);
    this.queue = new GroupCommitQueue((items) => this.commitBatch(items), {
      maxBatchWeight: queuedEvents,
      weigh: (item) => item.events.length,
    });
    this.readStreamRows = db
      .prepare<[string, bigint, number], EventRow>(
        `SELECT ${EVENT_COLUMNS} FROM events WHERE stream_name = ? AND revision >= ? ORDER BY revision LIMIT ?`,
      )
      .raw(true)
      .safeIntegers(true);
    const readAllSql = `SELECT ${EVENT_COLUMNS} FROM events WHERE position > ? ORDER BY position LIMIT ?`;
    this.readAllRows = scanDb.prepare<[bigint, number], EventRow>(readAllSql).raw(true).safeIntegers(true);
    // The types come bound as one JSON array: one statement for any list, its set built once per read.
    this.readAllOfTypesRows = scanDb
      .prepare<[bigint, string, number], EventRow>(
        `SELECT ${EVENT_COLUMNS} FROM events WHERE position > ? AND type IN (SELECT value FROM json_each(?)) ORDER BY position LIMIT ?`,
      )
      .raw(true)
      .safeIntegers(true);
    // Subscriptions mostly follow the head, whose pages the writer's cache holds: they read there.
    this.tailRows = db.prepare<[bigint, number], EventRow>(readAllSql).raw(true).safeIntegers(true);
    this.streamRevisionOf = db
      .prepare<[string], bigint>(STREAM_REVISION_SQL)
      .pluck()
      .safeIntegers(true);
    this.lastPosition = db.prepare<[], bigint | null>('SELECT MAX(position) FROM events').pluck().safeIntegers(true);
  }

  static open(options: SqliteEventStoreOptions): SqliteEventStore {
    const { file, logger } = options;
    const busyTimeoutMs = options.busyTimeoutMs ?? 5000;
    const inMemory = file === ':memory:';
    if (inMemory && options.appendThread) throw new TypeError("appendThread needs a file: another thread cannot open this one's ':memory:' database");
    if (!inMemory) mkdirSync(dirname(resolve(file)), { recursive: true });
    let db: Database.Database | undefined;
    let scanDb: Database.Database | undefined;
    try {
      db = new Database(file, { timeout: busyTimeoutMs });
      const journalMode = db.pragma('journal_mode = WAL', { simple: true });
      if (!inMemory && journalMode !== 'wal') {
        throw new StoreUnavailableError(`embedded event store: ${file} cannot use WAL (journal_mode is ${String(journalMode)})`);
      }
      // This connection appends unless an append thread does; it migrates and reads either way.
      configureWriteConnection(db, busyTimeoutMs);
      const migratedFrom = migrate(db);
      // readAll (replays: rebuild, verify, export) reads the log once, in order, through its own
      // read-only connection with a small page cache: it would otherwise fill the writer's cache with
      // event pages read once and push out the index pages appends look up (a rebuild of a million
      // events kept ~64 MiB of them resident). WAL readers see every commit that returned before.
      if (!inMemory) {
        scanDb = new Database(file, { readonly: true, timeout: busyTimeoutMs });
        scanDb.pragma('cache_size = -2048');
      }
      logger?.info({ file, schemaVersion: SCHEMA_VERSION, migratedFrom, appendThread: options.appendThread === true }, 'embedded event store opened');
    } catch (error) {
      scanDb?.close();
      db?.close();
      throw toStoreUnavailable(error, `opening ${file}`);
    }
    // Started after the migration, so the thread opens a file whose schema is current.
    const maxBatchEvents = options.maxBatchEvents ?? 1000;
    // A server's writer never copies the WAL back inside a commit: a thread of its own does, and the
    // writer's automatic checkpoint (~256 MiB) is only the fallback.
    const checkpointThread = options.appendThread ? CheckpointThread.start({ file, intervalMs: 200 }) : null;
    const appendThread = options.appendThread ? AppendThread.start({ file, busyTimeoutMs, maxBatchEvents, walAutocheckpointPages: 65_536 }) : null;
    // On this thread a batch is one commit; an append thread is handed smaller batches sooner and merges them.
    const queuedEvents = appendThread ? Math.min(options.handOverEvents ?? 128, maxBatchEvents) : maxBatchEvents;
    return new SqliteEventStore(db, scanDb ?? db, options.pollIntervalMs ?? 200, queuedEvents, appendThread, checkpointThread, logger);
  }

  async appendToStream(
    streamName: string,
    events: readonly EventToAppend[],
    options: { expectedRevision: ExpectedRevision },
  ): Promise<AppendResult> {
    this.assertOpen();
    assertStreamName(streamName);
    assertExpectedRevision(options?.expectedRevision);
    if (!Array.isArray(events) || events.length === 0) {
      throw new TypeError(`append to ${streamName}: at least one event is required`);
    }
    return this.queue.enqueue({ streamName, expectedRevision: options.expectedRevision, events: events.map(serializeEvent) });
  }

  async readStream(streamName: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const fromRevision = options.fromRevision ?? 0n;
    if (typeof fromRevision !== 'bigint' || fromRevision < 0n) throw new RangeError('fromRevision must be a bigint >= 0n');
    const limit = options.maxCount === undefined ? -1 : checkedCount(options.maxCount);
    return this.guard('reading a stream', () => this.readStreamRows.all(streamName, fromRevision, limit).map(toRecordedEvent));
  }

  async streamRevision(streamName: string): Promise<StreamRevision | null> {
    return this.guard('reading a stream revision', () => this.streamRevisionOf.get(streamName) ?? null);
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const after = checkedPosition(options.after ?? 0n);
    const limit = checkedCount(options.maxCount ?? DEFAULT_READ_ALL_COUNT);
    const types = options.eventTypes;
    if (types === undefined) return this.guard('reading all events', () => this.readAllRows.all(after, limit).map(toRecordedEvent));
    if (checkedEventTypes(types).length === 0) return [];
    const typesJson = JSON.stringify(types);
    return this.guard('reading all events of some types', () => this.readAllOfTypesRows.all(after, typesJson, limit).map(toRecordedEvent));
  }

  subscribeToAll(options: SubscribeOptions = {}): AsyncIterable<RecordedEvent[]> {
    const after = checkedPosition(options.after ?? 0n);
    const maxBatch = options.maxBatch ?? DEFAULT_MAX_BATCH;
    if (!Number.isInteger(maxBatch) || maxBatch < 1) throw new RangeError('maxBatch must be an integer >= 1');
    return this.subscription(after, maxBatch, options.signal);
  }

  async headPosition(): Promise<GlobalPosition> {
    return this.guard('reading the head position', () => this.lastPosition.get() ?? 0n);
  }

  async ping(): Promise<void> {
    this.guard('ping', () => this.db.prepare('SELECT 1').get());
  }

  /** Commits pending appends, then closes; later calls reject with StoreUnavailableError. */
  async close(): Promise<void> {
    if (this.state !== 'open') return;
    this.state = 'closing';
    try {
      await this.queue.drain();
    } finally {
      await this.appendThread?.close();
      await this.checkpointThread?.close();
      if (this.scanDb !== this.db) this.scanDb.close();
      this.db.close();
      this.state = 'closed';
      // Idle subscribers wake, find the store closed and end with StoreUnavailableError.
      this.commits.emit('committed');
    }
  }

  /** Calls `listener` after every commit that wrote events through this connection. */
  onCommitted(listener: () => void): () => void {
    this.commits.on('committed', listener);
    return () => this.commits.off('committed', listener);
  }

  /** Another connection (a thread, a process) committed: live subscriptions read now, not at the next poll. */
  notifyAppendedElsewhere(): void {
    this.commits.emit('committed');
  }

  stats(): SqliteEventStoreStats {
    return { ...this.counters, walCheckpoints: this.checkpointThread?.copies ?? 0 };
  }

  storageSettings(): SqliteStorageSettings {
    return this.guard('reading settings', () => ({
      journalMode: String(this.db.pragma('journal_mode', { simple: true })),
      synchronous: Number(this.db.pragma('synchronous', { simple: true })),
      busyTimeoutMs: Number(this.db.pragma('busy_timeout', { simple: true })),
      foreignKeys: Number(this.db.pragma('foreign_keys', { simple: true })) === 1,
      schemaVersion: Number(this.db.pragma('user_version', { simple: true })),
    }));
  }

  private commitBatch(items: readonly QueuedAppend[]): Settlement<AppendResult>[] | Promise<Settlement<AppendResult>[]> {
    if (!this.appendBatch) {
      return this.appendThread!.commit(items).then(
        (outcome) => this.committed(outcome),
        (error: unknown) => {
          throw this.rolledBack(items, error);
        },
      );
    }
    let outcome: BatchOutcome;
    try {
      // IMMEDIATE takes the write lock first, so revision checks cannot race another process.
      outcome = summarize(this.appendBatch.immediate(items, Date.now()));
    } catch (error) {
      throw this.rolledBack(items, error);
    }
    return this.committed(outcome);
  }

  /** Every append of the batch is rejected: rolled back, or (the append thread died in it) not known to be written. */
  private rolledBack(items: readonly QueuedAppend[], error: unknown): StoreUnavailableError {
    this.counters.failedTransactions += 1;
    this.logger?.error({ err: error, appends: items.length }, 'embedded event store: batch failed, none of its appends was acknowledged');
    return toStoreUnavailable(error, `committing ${items.length} appends`);
  }

  private committed(outcome: BatchOutcome): Settlement<AppendResult>[] {
    this.counters.transactions += outcome.transactions;
    this.counters.appends += outcome.acknowledged;
    this.counters.events += outcome.written;
    if (outcome.written > 0) this.commits.emit('committed');
    return outcome.settlements;
  }

  private readTail(after: GlobalPosition, limit: number): RecordedEvent[] {
    return this.guard('reading all events', () => this.tailRows.all(after, limit).map(toRecordedEvent));
  }

  private async *subscription(
    after: GlobalPosition,
    maxBatch: number,
    signal: AbortSignal | undefined,
  ): AsyncGenerator<RecordedEvent[]> {
    let checkpoint = after;
    while (!signal?.aborted) {
      const batch = this.readTail(checkpoint, maxBatch);
      if (batch.length === 0) {
        await this.nextCommitOrPoll(signal);
        continue;
      }
      checkpoint = batch[batch.length - 1].position;
      yield batch;
      // A long catch-up would otherwise run on microtasks alone and starve HTTP and appends.
      if (batch.length === maxBatch) await new Promise((r) => setImmediate(r));
    }
  }

  /** Resolves on a commit in this process, after the poll interval (other processes), or on abort. */
  private nextCommitOrPoll(signal: AbortSignal | undefined): Promise<void> {
    return new Promise((resolveWait) => {
      const wake = () => {
        clearTimeout(timer);
        this.commits.off('committed', wake);
        signal?.removeEventListener('abort', wake);
        resolveWait();
      };
      const timer = setTimeout(wake, this.pollIntervalMs);
      this.commits.on('committed', wake);
      signal?.addEventListener('abort', wake);
    });
  }

  private guard<T>(action: string, read: () => T): T {
    this.assertOpen();
    try {
      return read();
    } catch (error) {
      throw isSqliteFailure(error) ? toStoreUnavailable(error, action) : error;
    }
  }

  private assertOpen(): void {
    if (this.state !== 'open') throw new StoreUnavailableError('embedded event store is closed');
  }
}

function assertStreamName(streamName: string): void {
  if (typeof streamName !== 'string' || streamName.length === 0) throw new TypeError('streamName must be a non-empty string');
}

function assertExpectedRevision(expected: ExpectedRevision | undefined): void {
  const valid = expected === 'any' || expected === 'no_stream' || (typeof expected === 'bigint' && expected >= 0n);
  if (!valid) throw new TypeError(`expectedRevision must be 'no_stream', 'any' or a bigint >= 0n, got ${String(expected)}`);
}

function checkedCount(count: number): number {
  if (!Number.isSafeInteger(count) || count < 0) throw new RangeError(`maxCount must be an integer >= 0, got ${count}`);
  return count;
}

function checkedEventTypes(types: readonly string[]): readonly string[] {
  if (!Array.isArray(types) || !types.every((type) => typeof type === 'string')) throw new TypeError('eventTypes must be an array of strings');
  return types;
}

function checkedPosition(position: GlobalPosition): GlobalPosition {
  if (typeof position !== 'bigint' || position < 0n) throw new RangeError('a position must be a bigint >= 0n');
  return position;
}
