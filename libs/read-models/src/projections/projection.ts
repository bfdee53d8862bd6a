import type { RecordedEvent } from '../../../event-store/src/event-store.port';
import type { DocOp, ProjectionDefinition } from '../read-store.port';

/** A read model as a pure function: one recorded event in, the document changes out. */
export interface Projection extends ProjectionDefinition {
  project(event: RecordedEvent): DocOp[];
}
