import type { RecordedEvent } from '../../../event-store/src/event-store.port';
import { isCoinstreamEvent, type CoinstreamEvent } from '../../../domain/src/events';
import { parseStreamName } from '../../../domain/src/streams';

/** The domain event a recorded event holds (narrowed by its type), or null for foreign types. */
export function domainEventOf(event: RecordedEvent): CoinstreamEvent | null {
  if (!isCoinstreamEvent(event) || typeof event.data !== 'object' || event.data === null) return null;
  return { type: event.type, data: event.data } as CoinstreamEvent;
}

/** Positions go into documents as decimal strings: JSON and Mongo cannot hold a 64-bit bigint. */
export const positionString = (position: bigint): string => position.toString();

/** Fixed-width decimal, so string order is position order in SQLite and Mongo alike. */
export function positionKey(position: bigint): string {
  if (position < 0n) throw new RangeError(`position ${position} is negative`);
  return position.toString().padStart(20, '0');
}

/** The instant the command was decided, else when the store recorded it (ISO 8601). */
export function occurredAtOf(event: RecordedEvent): string {
  return event.metadata?.occurredAt ?? event.recordedAt.toISOString();
}

/** A UTC time as toISOString writes it (milliseconds optional), hours 00-23. */
const CANONICAL_UTC = /^(\d{4})-(\d{2})-(\d{2})T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d{3})?Z$/;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** UTC calendar day of an ISO 8601 business time. */
export function utcDay(iso: string): string {
  // The times events carry are in toISOString's form: their day is their first ten characters
  // once the date is checked, without parsing a Date (a rebuild asks this of most events).
  const canonical = CANONICAL_UTC.exec(iso);
  if (canonical) {
    const year = Number(canonical[1]);
    const month = Number(canonical[2]);
    const day = Number(canonical[3]);
    const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
    const days = month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1];
    if (days !== undefined && day >= 1 && day <= days) return iso.slice(0, 10);
  }
  const time = new Date(iso);
  if (Number.isNaN(time.getTime())) throw new RangeError(`not an ISO 8601 time: ${iso}`);
  return time.toISOString().slice(0, 10);
}

/** The user whose wallet stream holds the event (undefined outside `wallet-{userId}` streams). */
export function walletOwnerOf(event: RecordedEvent): string | undefined {
  const stream = parseStreamName(event.streamName);
  return stream?.kind === 'wallet' ? stream.userId : undefined;
}
