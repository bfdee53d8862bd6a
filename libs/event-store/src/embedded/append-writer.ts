import type Database from 'better-sqlite3';
import {
  AppendResult,
  DuplicateEventIdError,
  ExpectedRevision,
  StreamRevision,
  WrongExpectedRevisionError,
} from '../event-store.port';
import type { SerializedEvent } from './event-rows';
import type { Settlement } from './group-commit-queue';

export type QueuedAppend = {
  streamName: string;
  expectedRevision: ExpectedRevision;
  events: readonly SerializedEvent[];
};

type ExistingEvent = { stream_name: string; revision: bigint; position: bigint };

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
export function configureWriteConnection(db: Database.Database, busyTimeoutMs: number): void {
  db.pragma('synchronous = FULL');
  db.pragma(`busy_timeout = ${Math.trunc(busyTimeoutMs)}`);
  db.pragma('foreign_keys = ON');
  // 64 MiB of page cache keeps the event-id index hot for large logs.
  db.pragma('cache_size = -65536');
  // Checkpoint the WAL every ~40 MiB instead of every ~4 MiB: a batch of concurrent appends
  // dirties scattered index pages, and the same hot pages are then copied back once instead of
  // many times (append_commands +10-15 % in bench/). Durability is unchanged: a commit is on disk
  // once the WAL is fsync'd; the checkpoint only moves pages into the main file.
  db.pragma('wal_autocheckpoint = 10000');
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
 */
export class AppendWriter {
  private readonly findEvent: Database.Statement<[string], ExistingEvent>;
  private readonly findStream: Database.Statement<[string], bigint>;
  private readonly insertEvent: Database.Statement<[string, bigint, string, string, string, string, number]>;
  private readonly upsertStream: Database.Statement<[string, bigint]>;

  constructor(db: Database.Database) {
    this.findEvent = db
      .prepare<[string], ExistingEvent>('SELECT stream_name, revision, position FROM events WHERE event_id = ?')
      .safeIntegers(true);
    this.findStream = db
      .prepare<[string], bigint>('SELECT revision FROM streams WHERE stream_name = ?')
      .pluck()
      .safeIntegers(true);
    this.insertEvent = db
      .prepare<[string, bigint, string, string, string, string, number]>(
        'INSERT INTO events (stream_name, revision, event_id, type, data, metadata, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      )
      .safeIntegers(true);
    this.upsertStream = db.prepare<[string, bigint]>(
      'INSERT INTO streams (stream_name, revision) VALUES (?, ?) ON CONFLICT (stream_name) DO UPDATE SET revision = excluded.revision',
    );
  }

  apply(append: QueuedAppend, recordedAtMs: number): AppendOutcome {
    const retried = this.checkEventIds(append);
    if (retried instanceof Error) return { settlement: { ok: false, error: retried }, written: 0 };
    if (retried !== null) return { settlement: { ok: true, value: retried }, written: 0 };

    const current = this.findStream.get(append.streamName) ?? null;
    if (!expectationMet(append.expectedRevision, current)) {
      const error = new WrongExpectedRevisionError(append.streamName, append.expectedRevision, current ?? 'no_stream');
      return { settlement: { ok: false, error }, written: 0 };
    }

    let revision = current === null ? -1n : current;
    let position = 0n;
    for (const e of append.events) {
      revision += 1n;
      const { lastInsertRowid } = this.insertEvent.run(
        append.streamName,
        revision,
        e.eventId,
        e.type,
        e.data,
        e.metadata,
        recordedAtMs,
      );
      position = BigInt(lastInsertRowid);
    }
    this.upsertStream.run(append.streamName, revision);
    return { settlement: { ok: true, value: { nextExpectedRevision: revision, position } }, written: append.events.length };
  }

  /**
   * null when every id is new; the original result when the append is a retry of one already
   * written (same ids, same stream, consecutive revisions); an error when ids are reused otherwise.
   */
  private checkEventIds(append: QueuedAppend): AppendResult | DuplicateEventIdError | null {
    const seen = new Set<string>();
    const existing: (ExistingEvent | undefined)[] = [];
    for (const e of append.events) {
      if (seen.has(e.eventId)) return new DuplicateEventIdError(e.eventId, append.streamName);
      seen.add(e.eventId);
      existing.push(this.findEvent.get(e.eventId));
    }
    const found = existing.findIndex((x) => x !== undefined);
    if (found === -1) return null;

    const first = existing[0];
    const isRetry =
      first !== undefined &&
      existing.every(
        (x, i) => x !== undefined && x.stream_name === append.streamName && x.revision === first.revision + BigInt(i),
      );
    if (!isRetry) return new DuplicateEventIdError(append.events[found].eventId, append.streamName);
    const last = existing[existing.length - 1] as ExistingEvent;
    return { nextExpectedRevision: last.revision, position: last.position };
  }
}

function expectationMet(expected: ExpectedRevision, current: StreamRevision | null): boolean {
  if (expected === 'any') return true;
  if (expected === 'no_stream') return current === null;
  return current === expected;
}
