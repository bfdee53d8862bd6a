import type { RecordedEvent } from '../../../event-store/src/event-store.port';
import type { CollectionDefinition, DocOp, ProjectionDefinition } from '../read-store.port';
import { positionKey, positionString } from '../projections/recorded';

/**
 * Events a projection could not apply, kept beside its read model (same generation, same
 * transaction as its checkpoint) so parking is exactly-once and a rebuild retries them.
 * Document: `{ _id: eventId, projection, eventId, streamName, type, position, positionKey, error, attempts, parkedAt }`.
 */
export const parkedEventsCollection = (projection: string): string => `parkedEvents_${projection}`;

export function parkedEventsDefinition(projection: string): CollectionDefinition {
  return { name: parkedEventsCollection(projection), indexes: [{ fields: [['positionKey', 1]] }] };
}

/** The projection's definition plus its parked events collection: what the runner registers. */
export function withParkedEvents(definition: ProjectionDefinition): ProjectionDefinition {
  return { name: definition.name, collections: [...definition.collections, parkedEventsDefinition(definition.name)] };
}

export function parkEventOp(projection: string, event: RecordedEvent, error: unknown, attempts: number, now: Date): DocOp {
  return {
    kind: 'insert',
    collection: parkedEventsCollection(projection),
    id: event.eventId,
    doc: {
      projection,
      eventId: event.eventId,
      streamName: event.streamName,
      type: event.type,
      position: positionString(event.position),
      positionKey: positionKey(event.position),
      error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      attempts,
      parkedAt: now.toISOString(),
    },
  };
}
