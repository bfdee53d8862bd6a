import type { RecordedEvent } from '../../../event-store/src/event-store.port';
import type { DocOp, ProjectionDefinition } from '../read-store.port';

/** A read model as a pure function: one recorded event in, the document changes out. */
export interface Projection extends ProjectionDefinition {
  project(event: RecordedEvent): DocOp[];
  /**
   * The event types project() turns into ops; it returns none for every other event. A rebuild
   * reads only these (EventStore.readAll eventTypes), so it neither copies nor parses the rest.
   * Absent: every event is read.
   */
  readonly eventTypes?: readonly string[];
}

/** An upsert op: fields to set, counters to add to (from 0 on a new document). */
export const upsert = (collection: string, id: string, set: Record<string, unknown>, inc: Record<string, number>): DocOp => ({
  kind: 'upsert',
  collection,
  id,
  set,
  inc,
});
