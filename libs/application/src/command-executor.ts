import type {
  EventMetadata,
  EventStore,
  GlobalPosition,
  RecordedEvent,
  StreamRevision,
} from '../../event-store/src/event-store.port';
import { WrongExpectedRevisionError } from '../../event-store/src/event-store.port';
import { SCHEMA_VERSION } from '../../domain/src/events';
import { ConcurrencyConflictError, IdempotencyKeyReusedError } from './errors';
import { eventIdsFor } from './event-ids';
import { isoNow } from './iso-clock';
import { KeyedMutex } from './keyed-mutex';

/** The pure model of one stream: Emmett-style decider. */
export type StreamModel<S, C, E extends { type: string; data: unknown }> = {
  decide: (command: C, state: S) => E | E[];
  evolve: (state: S, event: E) => S;
  initialState: () => S;
};

export type CommandRequest<S, C, E extends { type: string; data: unknown }> = {
  streamName: string;
  model: StreamModel<S, C, E>;
  command: C;
  actorId: string;
  correlationId: string;
  causationId: string;
  idempotencyKey?: string;
  requestHash?: string;
  /** Overrides the ids of the decided events, one each (e.g. derived from the events they follow from). */
  eventIds?: (events: readonly E[]) => string[];
  /** Overrides correlation and causation per decided event, when they follow from different messages (a credit from its gift). */
  causations?: (events: readonly E[]) => Array<{ correlationId: string; causationId: string }>;
};

export type CommandOutcome<S, E> = {
  /** appended: new events; replayed: the idempotency key was seen, nothing appended;
   *  unchanged: the decider had nothing to append. */
  kind: 'appended' | 'replayed' | 'unchanged';
  events: E[];
  /** State right after this command's events (for a replay: right after the first run's). */
  state: S;
  /** Global position of the command's last event (for unchanged: of the stream's last event). */
  position: GlobalPosition | null;
  revision: StreamRevision | null;
};

/**
 * All a cached stream keeps per key: the revision of the key's last event, as a number (no
 * object, no bigint: about 94 bytes per key with its id, against 182 for a record of two bigints).
 * A command's events follow each other, so its first one is found by reading back from there.
 */
type KeyLastRevision = number;

/** What a replayed key answers: the first run's events and the state right after them. */
type Replay<S, E> = { requestHash?: string; events: E[]; stateAfter: S; position: GlobalPosition; revision: StreamRevision };

type LoadedStream<S> = {
  state: S;
  revision: StreamRevision | null;
  position: GlobalPosition | null;
  keys: Map<string, KeyLastRevision>;
  /** The latest key's whole answer: a client's retry usually follows at once. Older keys are read back from the stream. */
  lastReplay: { key: string; replay: Replay<S, unknown> } | null;
};

export type CommandExecutorOptions = {
  /** Conflicts (another process wrote the stream) retried this many times, then 409. */
  maxAttempts?: number;
  /** Streams whose folded state stays in memory (least recently used ones leave first). */
  cacheSize?: number;
  /**
   * Idempotency keys the cached streams may hold in all (a stream keeps every key it has seen, so
   * a busy one's grow with its commands; about 94 bytes each): past it, least recently used
   * streams leave the cache too (and a stream holding more than the bound alone is not kept). A
   * stream that left is read back whole on its next command, its keys with it, so no key is ever
   * forgotten: the price of a bound below what the streams in use hold is those reads.
   */
  cachedKeys?: number;
  /** Turns a stored event into the current shape (old schema versions stay readable). */
  upcast?: (event: RecordedEvent) => { type: string; data: unknown };
};

/**
 * Runs a command against one stream: the cached fold, the idempotency key, decide, append with
 * the expected revision, catch up and retry on conflict. Commands on the same stream are
 * serialised in this process, so conflicts only come from other processes.
 */
export class CommandExecutor {
  private readonly cache = new Map<string, LoadedStream<unknown>>();
  private readonly locks = new KeyedMutex();
  private readonly maxAttempts: number;
  private readonly cacheSize: number;
  private readonly cachedKeysLimit: number;
  /** Keys held by the streams in `cache` (a stream that left it keeps its own, uncounted). */
  private cachedKeys = 0;
  private readonly upcast: (event: RecordedEvent) => { type: string; data: unknown };

  constructor(
    private readonly store: EventStore,
    options: CommandExecutorOptions = {},
  ) {
    this.maxAttempts = options.maxAttempts ?? 5;
    this.cacheSize = options.cacheSize ?? 50_000;
    this.cachedKeysLimit = options.cachedKeys ?? 1_000_000;
    this.upcast = options.upcast ?? ((e) => ({ type: e.type, data: e.data }));
  }

  /**
   * Folded state of a stream, for checks on behalf of another stream's command. A cached state
   * is returned as it is when `goodEnough` accepts it (a fact that never turns false again, such
   * as "registered"); otherwise the stream is caught up first.
   */
  async load<S, C, E extends { type: string; data: unknown }>(
    streamName: string,
    model: StreamModel<S, C, E>,
    goodEnough: (state: S) => boolean = () => false,
  ): Promise<{ state: S; revision: StreamRevision | null; position: GlobalPosition | null }> {
    // A cached state that is good enough is read without the lock: it is replaced whole, never
    // half-updated, so queueing behind a command in flight on that stream (e.g. the diamonds
    // reactor's credit waiting for its commit) would only add that command's latency.
    const cached = this.cache.get(streamName) as LoadedStream<S> | undefined;
    if (cached && goodEnough(cached.state)) return { state: cached.state, revision: cached.revision, position: cached.position };
    // Under the stream's lock: a tail read folds into the shared cached state.
    return this.locks.run(streamName, async () => {
      const { loaded, fresh } = await this.cachedStream(streamName, model);
      if (!fresh && !goodEnough(loaded.state)) await this.catchUp(streamName, model, loaded);
      return { state: loaded.state, revision: loaded.revision, position: loaded.position };
    });
  }

  execute<S, C, E extends { type: string; data: unknown }>(
    request: CommandRequest<S, C, E>,
  ): Promise<CommandOutcome<S, E>> {
    return this.locks.run(request.streamName, () => this.executeLocked(request));
  }

  /**
   * Decides on the cached state without reading the store first: the expected revision makes a
   * stale cache fail safely (conflict, catch up, retry). A refusal or a no-op decided on a cached
   * state is confirmed on a caught-up state before it is believed.
   */
  private async executeLocked<S, C, E extends { type: string; data: unknown }>(
    request: CommandRequest<S, C, E>,
  ): Promise<CommandOutcome<S, E>> {
    const { streamName, model } = request;
    const { loaded, fresh: loadedFresh } = await this.cachedStream(streamName, model);
    let fresh = loadedFresh;
    for (let attempt = 1; ; ) {
      const seen = request.idempotencyKey === undefined ? undefined : loaded.keys.get(request.idempotencyKey);
      if (seen !== undefined) {
        const replay = await this.replayOf(request, loaded, seen);
        if (request.requestHash !== undefined && replay.requestHash !== undefined && replay.requestHash !== request.requestHash) {
          throw new IdempotencyKeyReusedError(request.idempotencyKey!);
        }
        return { kind: 'replayed', events: replay.events, state: replay.stateAfter, position: replay.position, revision: replay.revision };
      }

      let events: E[];
      try {
        const decided = model.decide(request.command, loaded.state);
        events = Array.isArray(decided) ? decided : [decided];
      } catch (refusal) {
        if (fresh) throw refusal;
        fresh = await this.catchUp(streamName, model, loaded);
        continue;
      }
      if (events.length === 0) {
        if (!fresh) {
          fresh = await this.catchUp(streamName, model, loaded);
          continue;
        }
        return { kind: 'unchanged', events: [], state: loaded.state, position: loaded.position, revision: loaded.revision };
      }

      const ids = request.eventIds?.(events) ?? eventIdsFor(streamName, request.idempotencyKey, events.length);
      if (ids.length !== events.length) throw new RangeError(`${ids.length} event ids for ${events.length} events`);
      const occurredAt = isoNow();
      const causations = request.causations?.(events);
      const metadata = causations ? null : metadataOf(request, occurredAt);
      try {
        const result = await this.store.appendToStream(
          streamName,
          events.map((event, i) => ({
            eventId: ids[i]!,
            type: event.type,
            data: event.data,
            metadata: metadata ?? metadataOf({ ...request, ...causations![i]! }, occurredAt),
          })),
          { expectedRevision: loaded.revision ?? 'no_stream' },
        );
        const state = events.reduce(model.evolve, loaded.state);
        loaded.state = state;
        loaded.revision = result.nextExpectedRevision;
        loaded.position = result.position;
        if (request.idempotencyKey !== undefined) {
          this.addKey(streamName, loaded, request.idempotencyKey, Number(result.nextExpectedRevision));
          const replay: Replay<S, E> = { requestHash: request.requestHash, events, stateAfter: state, position: result.position, revision: result.nextExpectedRevision };
          loaded.lastReplay = { key: request.idempotencyKey, replay };
        }
        return { kind: 'appended', events, state, position: result.position, revision: result.nextExpectedRevision };
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError)) {
          this.evict(streamName);
          throw error;
        }
        // Another process wrote the stream: catch up and decide again, a bounded number of times.
        if (attempt >= this.maxAttempts) throw new ConcurrencyConflictError(streamName, attempt);
        attempt += 1;
        fresh = await this.catchUp(streamName, model, loaded);
      }
    }
  }

  /** The cached fold of a stream, or a full read of it (then `fresh`). Map order is the LRU order. */
  private async cachedStream<S, C, E extends { type: string; data: unknown }>(
    streamName: string,
    model: StreamModel<S, C, E>,
  ): Promise<{ loaded: LoadedStream<S>; fresh: boolean }> {
    const cached = this.cache.get(streamName) as LoadedStream<S> | undefined;
    if (cached) {
      this.cache.delete(streamName);
      this.cache.set(streamName, cached as LoadedStream<unknown>);
      return { loaded: cached, fresh: false };
    }
    const loaded: LoadedStream<S> = { state: model.initialState(), revision: null, position: null, keys: new Map(), lastReplay: null };
    await this.catchUp(streamName, model, loaded);
    this.cache.set(streamName, loaded as LoadedStream<unknown>);
    this.cachedKeys += loaded.keys.size;
    this.trimCache(streamName);
    return { loaded, fresh: true };
  }

  /** Remembers where a new key's events end; counted if the stream is (still) the cached one. */
  private addKey(streamName: string, loaded: LoadedStream<unknown>, key: string, last: KeyLastRevision): void {
    loaded.keys.set(key, last);
    if (this.cache.get(streamName) === loaded) {
      this.cachedKeys += 1;
      this.trimCache(streamName);
    }
  }

  /**
   * Least recently used streams leave until both bounds hold, but not `keep` (the stream being
   * worked on), unless it alone holds more keys than the bound: then it leaves, and only it, to be
   * read back on each command. Keeping it would push every other stream out on each of its
   * commands, and its reload out again on each of theirs.
   */
  private trimCache(keep: string): void {
    if (!this.overBounds()) return;
    const kept = this.cache.get(keep);
    if (kept !== undefined && kept.keys.size > this.cachedKeysLimit) {
      this.evict(keep);
      if (!this.overBounds()) return;
    }
    for (const oldest of this.cache.keys()) {
      if (oldest !== keep) this.evict(oldest);
      if (!this.overBounds()) return;
    }
  }

  private overBounds(): boolean {
    return this.cache.size > this.cacheSize || this.cachedKeys > this.cachedKeysLimit;
  }

  private evict(streamName: string): void {
    const loaded = this.cache.get(streamName);
    if (loaded === undefined) return;
    this.cache.delete(streamName);
    this.cachedKeys -= loaded.keys.size;
  }

  /** Folds the events written after the cached revision (by other processes) into the cache. */
  private async catchUp<S, C, E extends { type: string; data: unknown }>(
    streamName: string,
    model: StreamModel<S, C, E>,
    loaded: LoadedStream<S>,
  ): Promise<true> {
    const tail = await this.store.readStream(streamName, {
      fromRevision: loaded.revision === null ? 0n : loaded.revision + 1n,
    });
    for (const recorded of tail) {
      const event = this.upcast(recorded) as E;
      loaded.state = model.evolve(loaded.state, event);
      loaded.revision = recorded.revision;
      loaded.position = recorded.position;
      const key = recorded.metadata.idempotencyKey;
      if (key !== undefined) {
        const last = loaded.keys.get(key);
        const revision = Number(recorded.revision);
        // A command's events share one key and follow each other: the key's last event moves along them.
        if (last === revision - 1) loaded.keys.set(key, revision);
        else if (last === undefined) this.addKey(streamName, loaded as LoadedStream<unknown>, key, revision);
      }
    }
    return true;
  }

  /** The first run's answer for a key seen in the stream: kept if it is the latest, else read back from the stream. */
  private async replayOf<S, C, E extends { type: string; data: unknown }>(
    request: CommandRequest<S, C, E>,
    loaded: LoadedStream<S>,
    keyLast: KeyLastRevision,
  ): Promise<Replay<S, E>> {
    const latest = loaded.lastReplay;
    if (latest !== null && latest.key === request.idempotencyKey) return latest.replay as Replay<S, E>;
    const { model } = request;
    const last = BigInt(keyLast);
    const stored = await this.store.readStream(request.streamName, { maxCount: keyLast + 1 });
    let stateAfter = model.initialState();
    // Read up to the key's last event; its events are those carrying it (one command's, so one run).
    const events: E[] = [];
    let requestHash: string | undefined;
    let position: GlobalPosition | null = null;
    for (const recorded of stored) {
      const event = this.upcast(recorded) as E;
      stateAfter = model.evolve(stateAfter, event);
      if (recorded.metadata.idempotencyKey !== request.idempotencyKey) continue;
      requestHash = recorded.metadata.requestHash;
      events.push(event);
      position = recorded.position;
    }
    if (position === null) throw new Error(`${request.streamName} no longer holds revision ${last} of key ${request.idempotencyKey}`);
    return { requestHash, events, stateAfter, position, revision: last };
  }
}

/** What every event of a command carries: who and why, its key and request hash if any, when, which schema. */
function metadataOf(
  request: Pick<CommandRequest<unknown, unknown, never>, 'correlationId' | 'causationId' | 'actorId' | 'idempotencyKey' | 'requestHash'>,
  occurredAt: string,
): EventMetadata {
  // Built field by field (not with conditional spreads): one object per command, keys in the stored order.
  const metadata = { correlationId: request.correlationId, causationId: request.causationId, actorId: request.actorId } as EventMetadata;
  if (request.idempotencyKey !== undefined) metadata.idempotencyKey = request.idempotencyKey;
  if (request.requestHash !== undefined) metadata.requestHash = request.requestHash;
  metadata.occurredAt = occurredAt;
  metadata.schemaVersion = SCHEMA_VERSION;
  return metadata;
}
