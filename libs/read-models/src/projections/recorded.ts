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

/** UTC calendar day of an ISO 8601 business time. */
export function utcDay(iso: string): string {
  const time = new Date(iso);
  if (Number.isNaN(time.getTime())) throw new RangeError(`not an ISO 8601 time: ${iso}`);
  return time.toISOString().slice(0, 10);
}

/** The user whose wallet stream holds the event (undefined outside `wallet-{userId}` streams). */
export function walletOwnerOf(event: RecordedEvent): string | undefined {
  const stream = parseStreamName(event.streamName);
  return stream?.kind === 'wallet' ? stream.userId : undefined;
}
