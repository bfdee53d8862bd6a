import type Database from 'better-sqlite3';
import {
  AppendResult,
  DuplicateEventIdError,
  ExpectedRevision,
  StreamRevision,
  WrongExpectedRevisionError,
} from '../event-store.port';
import { STREAM_REVISION_SQL, type SerializedEvent } from './event-rows';
import type { Settlement } from './group-commit-queue';

export type QueuedAppend = {
  streamName: string;
  expectedRevision: ExpectedRevision;
  events: readonly SerializedEvent[];
};

type StoredEvent = { event_id: string; revision: bigint; position: bigint };

/** What one transaction did to one append: its settlement and the events it wrote (0 for a retry). */
export type AppendOutcome = { settlement: Settlement<AppendResult>; written: number };

/**
 * What a batch of appends came to: a settlement per append, in order, and the counts. transactions
 * is 1, or 0 for a batch the append thread committed in the same transaction as the one before.
 */
export type BatchOutcome = { settlements: Settlement<AppendResult>[]; written: number; acknowledged: number; transactions: 0 | 1 };

export function summarize(outcomes: readonly AppendOutcome[], transactions: 0 | 1 = 1): BatchOutcome {
  const batch: BatchOutcome = { settlements: [], written: 0, acknowledged: 0, transactions };
  for (const { settlement, written } of outcomes) {
    batch.settlements.push(settlement);
    batch.written += written;
    if (settlement.ok) batch.acknowledged += 1;
  }
  return batch;
}

/**
 * The settings of the connection that appends, on whichever thread it runs: WAL, and FULL so that
 * an acknowledged append is on disk (WAL's default, NORMAL, skips the fsync per commit).
 */
export function configureWriteConnection(db: Database.Database, busyTimeoutMs: number, walAutocheckpointPages = 10_000): void {
  db.pragma('synchronous = FULL');
  db.pragma(`busy_timeout = ${Math.trunc(busyTimeoutMs)}`);
  db.pragma('foreign_keys = ON');
  // 64 MiB of page cache keeps the event-id index hot for large logs.
  db.pragma('cache_size = -65536');
  // Checkpoint the WAL every ~40 MiB instead of every ~4 MiB: a batch of concurrent appends
  // dirties scattered index pages, and the same hot pages are then copied back once instead of
  // many times (append_commands +10-15 % in bench/). Durability is unchanged: a commit is on disk
  // once the WAL is fsync'd; the checkpoint only moves pages into the main file. With a checkpoint
  // thread (checkpoint-thread.ts) this is only the fallback, far higher.
  db.pragma(`wal_autocheckpoint = ${Math.trunc(walAutocheckpointPages)}`);
}

/** One group commit: every queued append checked and written in one transaction (run it `.immediate`). */
export function batchTransaction(db: Database.Database): Database.Transaction<(items: readonly QueuedAppend[], now: number) => AppendOutcome[]> {
  const writer = new AppendWriter(db);
  return db.transaction((items: readonly QueuedAppend[], now: number): AppendOutcome[] => items.map((item) => writer.apply(item, now)));
}

/**
 * Applies one append inside the batch transaction. Every check runs before the first write, so a
 * rejected append writes nothing; earlier appends of the same batch are already visible to the
 * checks because they were written in this same transaction.
 *
 * Event ids are checked within the stream, as EventStoreDB does: a retry of an append that was
 * written (same ids, same expected revision) finds its events right after that revision and gets
 * the original result; an append that reuses some of them is refused. There is no index of every
 * id in the log: it was half the scattered pages each commit wrote (bench/ANALYSIS.md).
 */
export class AppendWriter {
  private readonly lastRevision: Database.Statement<[string], bigint>;
  private readonly eventsFrom: Database.Statement<[string, bigint, number], StoredEvent>;
  private readonly insertEvent: Database.Statement<[string, bigint, string, string, string, string, number]>;

  constructor(db: Database.Database) {
    this.lastRevision = db
      .prepare<[string], bigint>(STREAM_REVISION_SQL)
      .pluck()
      .safeIntegers(true);
    this.eventsFrom = db
      .prepare<[string, bigint, number], StoredEvent>(
        'SELECT event_id, revision, position FROM events WHERE stream_name = ? AND revision >= ? ORDER BY revision LIMIT ?',
      )
      .safeIntegers(true);
    this.insertEvent = db
      .prepare<[string, bigint, string, string, string, string, number]>(
        'INSERT INTO events (stream_name, revision, event_id, type, data, metadata, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      )
      .safeIntegers(true);
  }

  apply(append: QueuedAppend, recordedAtMs: number): AppendOutcome {
    const repeated = repeatedId(append);
    if (repeated) return { settlement: { ok: false, error: repeated }, written: 0 };

    const current = this.lastRevision.get(append.streamName) ?? null;
    const { expectedRevision } = append;
    if (expectedRevision !== 'any' && expectationMet(expectedRevision, current)) return this.write(append, current, recordedAtMs);

    const retried = current === null ? null : this.retriedAppend(append, current);
    if (retried instanceof Error) return { settlement: { ok: false, error: retried }, written: 0 };
    if (retried !== null) return { settlement: { ok: true, value: retried }, written: 0 };
    if (expectedRevision === 'any') return this.write(append, current, recordedAtMs);
    const error = new WrongExpectedRevisionError(append.streamName, expectedRevision, current ?? 'no_stream');
    return { settlement: { ok: false, error }, written: 0 };
  }

  private write(append: QueuedAppend, current: StreamRevision | null, recordedAtMs: number): AppendOutcome {
    let revision = current === null ? -1n : current;
    let position = 0n;
    for (const e of append.events) {
      revision += 1n;
      const { lastInsertRowid } = this.insertEvent.run(append.streamName, revision, e.eventId, e.type, e.data, e.metadata, recordedAtMs);
      position = BigInt(lastInsertRowid);
    }
    return { settlement: { ok: true, value: { nextExpectedRevision: revision, position } }, written: append.events.length };
  }

  /**
   * For an append whose expected revision is not the stream's: the original result when it is a
   * retry of one already written, an error when it reuses ids of events it is not, else null.
   * With an exact revision (or no_stream), its events can only be right after that revision; with
   * 'any', anywhere in the stream (never used for money writes, so reading the stream is fine).
   */
  private retriedAppend(append: QueuedAppend, current: StreamRevision): AppendResult | DuplicateEventIdError | null {
    const { expectedRevision, events, streamName } = append;
    const anywhere = expectedRevision === 'any';
    const from = typeof expectedRevision === 'bigint' ? expectedRevision + 1n : 0n;
    if (from > current) return null;
    const stored = this.eventsFrom.all(streamName, from, anywhere ? -1 : events.length);
    const firstId = events[0]!.eventId;
    const at = anywhere ? stored.findIndex((s) => s.event_id === firstId) : stored[0]?.event_id === firstId ? 0 : -1;
    if (at >= 0 && events.every((e, i) => stored[at + i]?.event_id === e.eventId)) {
      const last = stored[at + events.length - 1]!;
      return { nextExpectedRevision: last.revision, position: last.position };
    }
    const ids = new Set(events.map((e) => e.eventId));
    const reused = stored.find((s) => ids.has(s.event_id));
    return reused ? new DuplicateEventIdError(reused.event_id, streamName) : null;
  }
}

/** The same event id twice in one append. */
function repeatedId(append: QueuedAppend): DuplicateEventIdError | null {
  if (append.events.length === 1) return null;
  const seen = new Set<string>();
  for (const e of append.events) {
    if (seen.has(e.eventId)) return new DuplicateEventIdError(e.eventId, append.streamName);
    seen.add(e.eventId);
  }
  return null;
}

function expectationMet(expected: ExpectedRevision, current: StreamRevision | null): boolean {
  if (expected === 'any') return true;
  if (expected === 'no_stream') return current === null;
  return current === expected;
}
