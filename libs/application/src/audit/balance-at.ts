import type { EventStore, GlobalPosition, RecordedEvent, StreamRevision } from '../../../event-store/src/event-store.port';
import type { StreamModel } from '../command-executor';

export type StateAt<S> = {
  state: S;
  /** Events folded: those recorded at or before the instant. */
  eventsApplied: number;
  lastRevision: StreamRevision | null;
  lastPosition: GlobalPosition | null;
};

const PAGE = 1_000;

/**
 * A stream's state at an instant, computed by replaying its events recorded at or before it
 * (never read from a projection). Reads page by page and stops at the first later event.
 */
export async function stateAt<S, E extends { type: string; data: unknown }>(
  store: EventStore,
  streamName: string,
  model: Pick<StreamModel<S, never, E>, 'evolve' | 'initialState'>,
  at: Date,
  upcast: (event: RecordedEvent) => E,
): Promise<StateAt<S>> {
  let state = model.initialState();
  let eventsApplied = 0;
  let lastRevision: StreamRevision | null = null;
  let lastPosition: GlobalPosition | null = null;
  const limit = at.getTime();
  for (let from = 0n; ; from += BigInt(PAGE)) {
    const page = await store.readStream(streamName, { fromRevision: from, maxCount: PAGE });
    for (const recorded of page) {
      if (recorded.recordedAt.getTime() > limit) return { state, eventsApplied, lastRevision, lastPosition };
      state = model.evolve(state, upcast(recorded));
      eventsApplied += 1;
      lastRevision = recorded.revision;
      lastPosition = recorded.position;
    }
    if (page.length < PAGE) return { state, eventsApplied, lastRevision, lastPosition };
  }
}
