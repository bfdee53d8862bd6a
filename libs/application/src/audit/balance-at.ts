import type { EventStore, GlobalPosition, RecordedEvent, StreamRevision } from '../../../event-store/src/event-store.port';
import type { StreamModel } from '../command-executor';

export type StateAt<S> = {
  state: S;
  /** Events folded: those recorded at or before the instant. */
  eventsApplied: number;
  lastRevision: StreamRevision | null;
  lastPosition: GlobalPosition | null;
};

/** The fold of a stream's first `eventsApplied` events, and when the last of them was recorded. */
type Snapshot<S> = StateAt<S> & { recordedAt: number };

const PAGE = 500;
const SNAPSHOT_EVERY = 1_000;

/**
 * A stream's state at an instant, computed by replaying its events recorded at or before it
 * (never read from a projection). History is append-only, so the fold at every 1,000th revision
 * is remembered (per stream, least recently used streams forgotten first): a later question about
 * that stream replays from the nearest remembered fold before the instant, not from revision 0.
 */
export class PointInTimeReplayer {
  private readonly snapshots = new Map<string, Snapshot<unknown>[]>();

  constructor(
    private readonly store: EventStore,
    private readonly maxStreams = 1_000,
  ) {}

  async stateAt<S, E extends { type: string; data: unknown }>(
    streamName: string,
    model: Pick<StreamModel<S, never, E>, 'evolve' | 'initialState'>,
    at: Date,
    upcast: (event: RecordedEvent) => E,
  ): Promise<StateAt<S>> {
    const limit = at.getTime();
    const known = (this.snapshots.get(streamName) ?? []) as Snapshot<S>[];
    const start = [...known].reverse().find((s) => s.recordedAt <= limit);
    let { state, eventsApplied, lastRevision, lastPosition } = start ?? {
      state: model.initialState(),
      eventsApplied: 0,
      lastRevision: null,
      lastPosition: null,
    };
    const taken: Snapshot<S>[] = [];
    for (let from = lastRevision === null ? 0n : lastRevision + 1n; ; from += BigInt(PAGE)) {
      const page = await this.store.readStream(streamName, { fromRevision: from, maxCount: PAGE });
      for (const recorded of page) {
        if (recorded.recordedAt.getTime() > limit) return this.remember(streamName, known, taken, { state, eventsApplied, lastRevision, lastPosition });
        state = model.evolve(state, upcast(recorded));
        eventsApplied += 1;
        lastRevision = recorded.revision;
        lastPosition = recorded.position;
        if (eventsApplied % SNAPSHOT_EVERY === 0) taken.push({ state, eventsApplied, lastRevision, lastPosition, recordedAt: recorded.recordedAt.getTime() });
      }
      if (page.length < PAGE) return this.remember(streamName, known, taken, { state, eventsApplied, lastRevision, lastPosition });
    }
  }

  private remember<S>(streamName: string, known: Snapshot<S>[], taken: Snapshot<S>[], result: StateAt<S>): StateAt<S> {
    const merged = [...known];
    for (const snapshot of taken) if (!merged.some((s) => s.eventsApplied === snapshot.eventsApplied)) merged.push(snapshot);
    merged.sort((a, b) => a.eventsApplied - b.eventsApplied);
    this.snapshots.delete(streamName);
    this.snapshots.set(streamName, merged as Snapshot<unknown>[]);
    if (this.snapshots.size > this.maxStreams) this.snapshots.delete(this.snapshots.keys().next().value!);
    return result;
  }
}
