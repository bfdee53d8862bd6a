/**
 * The EventStore port: what the command side, the projector and the auditors need from an
 * event log. Adapters: embedded (SQLite, ./embedded) and EventStoreDB (./eventstoredb).
 * Every adapter passes test/contracts/event-store.contract.ts.
 *
 * Positions and revisions are 64-bit on EventStoreDB, so they are bigint end to end here; the
 * HTTP layer turns them into JSON integers with a checked conversion (never a silent Number()).
 */

/** Global position in the log ($all). Strictly increasing with append order; starts above 0n. */
export type GlobalPosition = bigint;
/** 0-based index of an event inside its stream. */
export type StreamRevision = bigint;

/**
 * What an append expects of the stream:
 * - 'no_stream': it must not exist yet;
 * - 'any': no check (never used for money writes);
 * - a bigint: the revision of the stream's last event.
 */
export type ExpectedRevision = 'no_stream' | 'any' | StreamRevision;

export type EventMetadata = {
  /** Why this event exists: the request that caused it (one id across everything it caused). */
  correlationId: string;
  /** The message that directly caused this one (the request id, or the source event's id). */
  causationId: string;
  /** The acting user (token `sub`), `payment-provider`, or `system:<reactor>`. */
  actorId: string;
  idempotencyKey?: string;
  /** SHA-256 of the command's canonical body, so a reused key with another body is detected. */
  requestHash?: string;
  /** When the command was decided (ISO 8601). */
  occurredAt: string;
  schemaVersion: number;
};

export type EventToAppend = {
  /** UUID. Deterministic ids make a retried append recognisable (idempotent). */
  eventId: string;
  type: string;
  data: unknown;
  metadata: EventMetadata;
};

export type RecordedEvent = {
  streamName: string;
  revision: StreamRevision;
  position: GlobalPosition;
  eventId: string;
  type: string;
  data: unknown;
  metadata: EventMetadata;
  /** When the store recorded it. */
  recordedAt: Date;
};

export type AppendResult = {
  /** Revision of the stream's last event after the append. */
  nextExpectedRevision: StreamRevision;
  /** Global position of the last event appended. */
  position: GlobalPosition;
};

export type ReadStreamOptions = {
  /** First revision to read (inclusive). Default 0n. */
  fromRevision?: StreamRevision;
  /** At most this many events. Default: all. */
  maxCount?: number;
};

export type ReadAllOptions = {
  /** Read events whose position is strictly greater than this. Default: from the start. */
  after?: GlobalPosition;
  /** At most this many events. Default 1000. */
  maxCount?: number;
  /**
   * Only events of these types (an empty list matches none); maxCount counts the matching ones.
   * A replay that projects a few types reads and parses only those (a rebuild of one read model).
   * An empty result says no matching event follows `after` as far as the log went when read.
   */
  eventTypes?: readonly string[];
};

export type SubscribeOptions = {
  /** Deliver events strictly after this position (a stored checkpoint). Default: from the start. */
  after?: GlobalPosition;
  /** Stops the subscription; the iterator then ends. */
  signal?: AbortSignal;
  /** Largest batch yielded at once. Default 1000. */
  maxBatch?: number;
};

export interface EventStore {
  /**
   * Appends all events or none, atomically, checking the expected revision. Resolves only once
   * the events are durable. Re-appending events whose ids are already the stream's events at
   * those revisions is idempotent: it resolves with the original result and appends nothing.
   * Rejects with WrongExpectedRevisionError on a concurrency conflict.
   */
  appendToStream(
    streamName: string,
    events: readonly EventToAppend[],
    options: { expectedRevision: ExpectedRevision },
  ): Promise<AppendResult>;

  /** The stream's events in revision order; an empty array when the stream does not exist. */
  readStream(streamName: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;

  /** The stream's last revision, or null when it does not exist. */
  streamRevision(streamName: string): Promise<StreamRevision | null>;

  /** Events of all streams in global order (system events filtered out). */
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;

  /**
   * Catch-up then live subscription to all events in global order, in batches. Never skips or
   * repeats an event within one subscription; ends when the signal aborts.
   */
  subscribeToAll(options?: SubscribeOptions): AsyncIterable<RecordedEvent[]>;

  /** Position of the last event in the log, 0n when empty. */
  headPosition(): Promise<GlobalPosition>;

  /** Throws StoreUnavailableError when the store cannot be reached. */
  ping(): Promise<void>;

  close(): Promise<void>;
}

export class WrongExpectedRevisionError extends Error {
  override readonly name = 'WrongExpectedRevisionError';
  constructor(
    readonly streamName: string,
    readonly expected: ExpectedRevision,
    readonly actual: StreamRevision | 'no_stream',
  ) {
    super(`stream ${streamName}: expected revision ${String(expected)}, actual ${String(actual)}`);
  }
}

/**
 * An event id reused for a different event of the same stream (the same id twice in one append,
 * or ids of events it is not). Like EventStoreDB, no adapter promises ids unique across streams:
 * what must be unique across streams has a stream of its own (payment-{paymentId}).
 */
export class DuplicateEventIdError extends Error {
  override readonly name = 'DuplicateEventIdError';
  constructor(readonly eventId: string, readonly streamName: string) {
    super(`event id ${eventId} already exists and is not this append's event in ${streamName}`);
  }
}

/** The store cannot be reached or refused to work; the HTTP layer answers 503 UNAVAILABLE. */
export class StoreUnavailableError extends Error {
  override readonly name = 'StoreUnavailableError';
  constructor(message: string, override readonly cause?: unknown) {
    super(message);
  }
}

/** Positions as JSON integers (API.md): exact below 2^53, and loud above it. */
export function positionToJson(position: GlobalPosition): number {
  if (position > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new RangeError(`position ${position} is beyond 2^53 and cannot be a JSON integer`);
  }
  return Number(position);
}
