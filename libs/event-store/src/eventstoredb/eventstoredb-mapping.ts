import {
  ANY,
  NO_STREAM,
  CancelledError,
  DeadlineExceededError,
  NotLeaderError,
  TimeoutError,
  UnavailableError,
  WrongExpectedVersionError,
  convertToCommandError,
  type ExpectedRevision as ClientExpectedRevision,
  type JSONType,
  type Position,
  type RecordedEvent as ClientRecordedEvent,
} from '@eventstore/db-client';
import {
  StoreUnavailableError,
  WrongExpectedRevisionError,
  type EventMetadata,
  type EventToAppend,
  type ExpectedRevision,
  type GlobalPosition,
  type RecordedEvent,
} from '../event-store.port';

/**
 * Pure translations between the EventStore port and @eventstore/db-client 6.x, kept apart from
 * I/O so they are unit-tested without a server.
 */

/**
 * 'any' maps to ANY, which the client documents as best-effort idempotency only; Coinstream never
 * uses it for money writes (every wallet and creator append carries an exact revision).
 */
export function toClientExpectedRevision(expected: ExpectedRevision): ClientExpectedRevision {
  if (expected === 'no_stream') return NO_STREAM;
  if (expected === 'any') return ANY;
  // The server answers a negative revision with an unrecognisable error; fail here, clearly.
  if (typeof expected !== 'bigint' || expected < 0n) throw new TypeError(`expected revision ${String(expected)} is not a revision`);
  return expected;
}

/**
 * Our GlobalPosition is the commit position. Events appended through gRPC (no legacy TCP
 * transactions) have commit = prepare, so the pair is rebuilt exactly from one number (EventStore
 * docs, clients/grpc/subscriptions.md "Checkpointing": store either the commit or the prepare).
 */
export function toClientPosition(position: GlobalPosition): Position {
  if (position < 0n) throw new RangeError(`position ${position} is negative`);
  return { commit: position, prepare: position };
}

export function fromClientPosition(position: Position): GlobalPosition {
  return position.commit;
}

/** System events ($-prefixed types, or anything in a $-prefixed stream) are not the economy's. */
export function isSystemEvent(streamName: string, type: string): boolean {
  return type.startsWith('$') || streamName.startsWith('$');
}

/** Server-side projections follow causation through these conventional metadata keys. */
export function toStoredMetadata(metadata: EventMetadata): Record<string, unknown> {
  return { ...metadata, $correlationId: metadata.correlationId, $causationId: metadata.causationId };
}

/** Reverses toStoredMetadata: the $-keys are the server's convention, not our metadata. */
export function fromStoredMetadata(stored: unknown, where: string): EventMetadata {
  if (typeof stored !== 'object' || stored === null || Array.isArray(stored) || stored instanceof Uint8Array) {
    throw new TypeError(`${where} has no JSON metadata object; it was not written by Coinstream`);
  }
  const metadata: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(stored)) if (!key.startsWith('$')) metadata[key] = value;
  return metadata as EventMetadata;
}

/**
 * The client's jsonEvent input. Data that JSON cannot carry is refused here: inside the client's
 * batch append the same TypeError would escape its promise and leave the append pending forever.
 */
export function toClientEvent(event: EventToAppend): {
  id: string;
  type: string;
  data: JSONType;
  metadata: Record<string, unknown>;
} {
  let json: string | undefined;
  try {
    json = JSON.stringify(event.data);
  } catch (error) {
    throw new TypeError(`event ${event.eventId} (${event.type}) has data JSON cannot carry: ${(error as Error).message}`, {
      cause: error,
    });
  }
  if (json === undefined) throw new TypeError(`event ${event.eventId} (${event.type}) has no JSON data`);
  return {
    id: event.eventId,
    type: event.type,
    data: event.data as JSONType,
    metadata: toStoredMetadata(event.metadata),
  };
}

/**
 * A recorded event as the port sees it. Stream reads carry a position only from server 22.6 on;
 * `commitPosition` is the resolved event's own, used when the record has none.
 */
export function toRecordedEvent(recorded: ClientRecordedEvent, commitPosition?: bigint): RecordedEvent {
  const where = `event ${recorded.id} in ${recorded.streamId}@${recorded.revision}`;
  const position = recorded.position ? fromClientPosition(recorded.position) : commitPosition;
  if (position === undefined) {
    throw new Error(`${where} came without a log position; EventStoreDB 22.6 or later is required`);
  }
  return {
    streamName: recorded.streamId,
    revision: recorded.revision,
    position,
    eventId: recorded.id,
    type: recorded.type,
    data: recorded.data,
    metadata: fromStoredMetadata(recorded.metadata, where),
    recordedAt: recorded.created,
  };
}

/** Errors that mean "the store cannot answer now": the HTTP layer says 503, a retry may work. */
function isUnavailable(error: Error): boolean {
  return (
    error instanceof UnavailableError ||
    error instanceof DeadlineExceededError ||
    error instanceof TimeoutError ||
    error instanceof NotLeaderError ||
    error instanceof CancelledError ||
    // Thrown by the client's gossip discovery (esdb+discover://) when no node answers.
    /^Failed to discover after \d+ attempts/.test(error.message)
  );
}

/**
 * Maps a client error to the port's errors. `append` gives the context of an append, so a
 * WrongExpectedVersionError keeps the revision the caller expected (ours, not the client's form).
 */
export function toPortError(
  error: unknown,
  append?: { streamName: string; expected: ExpectedRevision },
): unknown {
  if (!(error instanceof Error)) return error;
  if (error instanceof StoreUnavailableError || error instanceof WrongExpectedRevisionError) return error;
  const converted = convertToCommandError(error);
  if (converted instanceof WrongExpectedVersionError) {
    const streamName = append?.streamName ?? converted.streamName;
    return new WrongExpectedRevisionError(streamName, append?.expected ?? 'any', converted.actualVersion);
  }
  if (isUnavailable(converted)) {
    return new StoreUnavailableError(`EventStoreDB is unavailable: ${converted.message || converted.constructor.name}`, converted);
  }
  return converted;
}
