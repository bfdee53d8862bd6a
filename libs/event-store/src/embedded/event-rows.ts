import type { EventMetadata, EventToAppend, RecordedEvent } from '../event-store.port';

/** An event as it is written: JSON is produced once, before the batch transaction. */
export type SerializedEvent = {
  eventId: string;
  type: string;
  data: string;
  metadata: string;
};

/** A stream's revision: the last entry of its (stream_name, revision) index; no row when it does not exist. */
export const STREAM_REVISION_SQL = 'SELECT revision FROM events WHERE stream_name = ? ORDER BY revision DESC LIMIT 1';

/** Columns every read selects, in the order of EventRow. */
export const EVENT_COLUMNS = 'position, stream_name, revision, event_id, type, data, metadata, recorded_at';

/** A row read in raw mode with safe integers: [position, stream, revision, id, type, data, metadata, recordedAtMs]. */
export type EventRow = [bigint, string, bigint, string, string, string, string, bigint];

export function toRecordedEvent(row: EventRow): RecordedEvent {
  return {
    streamName: row[1],
    revision: row[2],
    position: row[0],
    eventId: row[3],
    type: row[4],
    data: JSON.parse(row[5]) as unknown,
    metadata: JSON.parse(row[6]) as EventMetadata,
    recordedAt: new Date(Number(row[7])),
  };
}

/** Serializes in the caller's turn so a bad event fails its own append, not the whole batch. */
export function serializeEvent(event: EventToAppend): SerializedEvent {
  if (typeof event.eventId !== 'string' || event.eventId.length === 0) {
    throw new TypeError('every event needs a non-empty eventId');
  }
  if (typeof event.type !== 'string' || event.type.length === 0) {
    throw new TypeError(`event ${event.eventId} needs a non-empty type`);
  }
  const data = JSON.stringify(event.data);
  const metadata = JSON.stringify(event.metadata);
  if (data === undefined || metadata === undefined) {
    throw new TypeError(`event ${event.eventId}: data and metadata must be JSON values`);
  }
  return { eventId: event.eventId, type: event.type, data, metadata };
}
