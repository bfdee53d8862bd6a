import { setTimeout as sleep } from 'node:timers/promises';
import {
  AccessDeniedError,
  BACKWARDS,
  END,
  EventStoreDBClient,
  FORWARDS,
  START,
  StreamNotFoundError,
  excludeSystemEvents,
  jsonEvent,
  type AllStreamResolvedEvent,
  type AppendResult as ClientAppendResult,
  type ReadPosition,
  type ResolvedEvent,
  type StreamingRead,
} from '@eventstore/db-client';
import {
  StoreUnavailableError,
  type AppendResult,
  type EventStore,
  type EventToAppend,
  type ExpectedRevision,
  type GlobalPosition,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type StreamRevision,
  type SubscribeOptions,
} from '../event-store.port';
import { describeHosts } from './connection-string';
import {
  fromClientPosition,
  isSystemEvent,
  toClientEvent,
  toClientExpectedRevision,
  toClientPosition,
  toPortError,
  toRecordedEvent,
} from './eventstoredb-mapping';
import { resubscribeDelayMs } from './resubscribe-backoff';

/** The slice of pino this adapter logs through (a pino Logger fits). */
export type EventStoreDbLogger = {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
};

export type EventStoreDbOptions = {
  logger?: EventStoreDbLogger;
  /** How long connect() and ping() wait for an answer. Default 5000 ms. */
  probeTimeoutMs?: number;
};

export type SubscriptionStatus = {
  /** Subscriptions running now. */
  active: number;
  /** True when at least one runs and none is between a drop and its resubscription. */
  connected: boolean;
  /** Resubscriptions since connect, all subscriptions together: growth means a flapping link. */
  retries: number;
  /** When the last batch was delivered: its age tells a stalled subscription from an idle log. */
  lastEventAt: Date | null;
  lastPosition: GlobalPosition | null;
};

const silentLogger: EventStoreDbLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };
const HEAD_SCAN_PAGE = 64;

/**
 * The EventStore port on EventStoreDB (20+, positions on stream reads need 22.6+) through the
 * official gRPC client. Use `nodePreference=leader` for clusters so appends and the reads that
 * precede them go to the leader.
 *
 * Idempotency: the server recognises a retried append of the same event ids at the same expected
 * revision and answers success without writing them again; the client documents this for every
 * expected revision except ANY (best effort only, within the server's recent-event-id cache). It
 * compares ids only: a reused id with other content at the same revision is not detected here,
 * and an id reused at another revision is written again (the embedded store refuses both).
 */
export class EventStoreDbEventStore implements EventStore {
  private closed = false;
  private readonly running = new Set<{ connected: boolean }>();
  private retries = 0;
  private lastEventAt: Date | null = null;
  private lastPosition: GlobalPosition | null = null;

  private constructor(
    private readonly client: EventStoreDBClient,
    private readonly hosts: string,
    private readonly logger: EventStoreDbLogger,
    private readonly probeTimeoutMs: number,
  ) {}

  /**
   * Connects and checks the server answers (a read of $all, which also proves the credentials
   * may read it). Examples: `esdb://localhost:2113?tls=false` (development),
   * `esdb+discover://admin:<password>@cluster.dns:2113?nodePreference=leader` (cluster).
   */
  static async connect(connectionString: string, options: EventStoreDbOptions = {}): Promise<EventStoreDbEventStore> {
    const hosts = describeHosts(connectionString);
    const client = clientFor(connectionString);
    if (!(client instanceof EventStoreDBClient)) {
      throw new Error(`EVENTSTORE_URL is not a valid EventStoreDB connection string${client.expected ? ` (expected ${client.expected})` : ''}`);
    }
    const store = new EventStoreDbEventStore(client, hosts, options.logger ?? silentLogger, options.probeTimeoutMs ?? 5_000);
    try {
      await store.ping();
    } catch (error) {
      await client.dispose().catch(() => undefined);
      throw error;
    }
    store.logger.info({ hosts }, 'connected to EventStoreDB');
    return store;
  }

  /**
   * Wraps a client built by the caller (certificates, custom channel options), without probing it.
   * The specs use it to drive the subscription logic with a scripted client.
   */
  static fromClient(client: EventStoreDBClient, options: EventStoreDbOptions & { hosts?: string } = {}): EventStoreDbEventStore {
    return new EventStoreDbEventStore(client, options.hosts ?? 'a caller-built client', options.logger ?? silentLogger, options.probeTimeoutMs ?? 5_000);
  }

  async appendToStream(
    streamName: string,
    events: readonly EventToAppend[],
    options: { expectedRevision: ExpectedRevision },
  ): Promise<AppendResult> {
    if (events.length === 0) throw new TypeError(`append to ${streamName} has no events`);
    const expectedRevision = toClientExpectedRevision(options.expectedRevision);
    const proposed = events.map((event) => jsonEvent(toClientEvent(event)));
    let result: ClientAppendResult;
    try {
      result = await this.client.appendToStream(streamName, proposed, { expectedRevision });
    } catch (error) {
      throw toPortError(error, { streamName, expected: options.expectedRevision });
    }
    return {
      nextExpectedRevision: result.nextExpectedRevision,
      position: await this.lastAppendedPosition(streamName, events.length, result),
    };
  }

  async readStream(streamName: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const fromRevision = options.fromRevision ?? 0n;
    if (fromRevision < 0n) throw new RangeError(`fromRevision ${fromRevision} is negative`);
    if (options.maxCount === 0) return [];
    const read = this.client.readStream(streamName, {
      direction: FORWARDS,
      fromRevision,
      maxCount: options.maxCount ?? Number.MAX_SAFE_INTEGER,
    });
    return (await this.collectStream(read)).map(fromResolved);
  }

  async streamRevision(streamName: string): Promise<StreamRevision | null> {
    const read = this.client.readStream(streamName, { direction: BACKWARDS, fromRevision: END, maxCount: 1 });
    const [last] = await this.collectStream(read);
    return last?.event?.revision ?? null;
  }

  /**
   * Reading $all from a position includes the event at that position, so a page asks for one
   * more than needed and drops what is at or before `after`. System events, and events not of
   * `eventTypes`, are dropped here (the client's readAll has no server-side filter), so pages repeat
   * until full or at the log's end.
   */
  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const maxCount = options.maxCount ?? 1000;
    const events: RecordedEvent[] = [];
    let after = options.after ?? 0n;
    // Filtered here too: the client's readAll takes no event-type filter, so every event is read.
    const types = options.eventTypes === undefined ? null : new Set(options.eventTypes);
    if (types !== null && types.size === 0) return events;
    while (events.length < maxCount) {
      const want = maxCount - events.length + 1;
      const page = await this.collect(
        this.client.readAll({ direction: FORWARDS, fromPosition: fromExclusive(after), maxCount: want }),
      );
      for (const { event } of page) {
        if (!event) continue;
        const position = fromClientPosition(event.position);
        if (position <= after) continue;
        after = position;
        if (isSystemEvent(event.streamId, event.type) || (types !== null && !types.has(event.type))) continue;
        events.push(toRecordedEvent(event));
        if (events.length === maxCount) break;
      }
      if (page.length < want) break;
    }
    return events;
  }

  /** The last non-system event's position: system records written after it do not count as lag. */
  async headPosition(): Promise<GlobalPosition> {
    let from: ReadPosition = END;
    for (;;) {
      const page: AllStreamResolvedEvent[] = await this.collect(
        this.client.readAll({ direction: BACKWARDS, fromPosition: from, maxCount: HEAD_SCAN_PAGE }),
      );
      for (const { event } of page) {
        if (event && !isSystemEvent(event.streamId, event.type)) return fromClientPosition(event.position);
      }
      const oldest = page.at(-1)?.event;
      if (page.length < HEAD_SCAN_PAGE || !oldest) return 0n;
      from = oldest.position;
    }
  }

  /** One read of $all, bounded in time: no gRPC deadline applies to reads, and a silent network would hang. */
  async ping(): Promise<void> {
    const read = this.client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 1 });
    const reading = this.collect(read);
    reading.catch(() => undefined);
    const timer = new AbortController();
    const timeout = sleep(this.probeTimeoutMs, undefined, { signal: timer.signal }).then(
      () => {
        void read.cancel();
        throw new Error(`no answer within ${this.probeTimeoutMs} ms`);
      },
      () => undefined,
    );
    try {
      await Promise.race([reading, timeout]);
    } catch (error) {
      throw new StoreUnavailableError(`EventStoreDB at ${this.hosts} is unreachable: ${unreachableReason(error)}`, error);
    } finally {
      timer.abort();
    }
  }

  /**
   * Catch-up then live subscription to $all, without system events. Subscription positions are
   * exclusive (EventStore docs, clients/grpc/subscriptions.md "Subscribing from a specific
   * position"); events at or before the last delivered position are skipped all the same, so a
   * resubscription after a drop or a leader change neither skips nor repeats.
   */
  async *subscribeToAll(options: SubscribeOptions = {}): AsyncIterable<RecordedEvent[]> {
    const { signal } = options;
    const maxBatch = Math.max(1, options.maxBatch ?? 1000);
    let after = options.after ?? 0n;
    let attempt = 0;
    const state = { connected: false };
    this.running.add(state);
    try {
      while (!signal?.aborted && !this.closed) {
        if (attempt > 0) {
          const delayMs = resubscribeDelayMs(attempt);
          this.retries += 1;
          this.logger.warn({ hosts: this.hosts, attempt, delayMs, after: after.toString() }, 'resubscribing to EventStoreDB $all');
          try {
            await sleep(delayMs, undefined, { signal });
          } catch {
            return;
          }
          if (this.closed) return;
        }
        const subscription = this.client.subscribeToAll({ fromPosition: fromExclusive(after), filter: excludeSystemEvents() });
        subscription.once('confirmation', () => {
          state.connected = true;
          attempt = 0;
        });
        const stop = (): void => {
          void subscription.unsubscribe();
          subscription.destroy();
        };
        signal?.addEventListener('abort', stop, { once: true });
        try {
          let batch: RecordedEvent[] = [];
          // for await reads one event at a time; the stream's buffer is the backpressure.
          for await (const resolved of subscription) {
            state.connected = true;
            attempt = 0;
            const event = resolved.event;
            if (event && fromClientPosition(event.position) > after && !isSystemEvent(event.streamId, event.type)) {
              batch.push(toRecordedEvent(event));
            }
            // A batch is what has already arrived, so a quiet log still gets each event at once.
            if (batch.length > 0 && (batch.length >= maxBatch || subscription.readableLength === 0)) {
              const delivered = batch;
              batch = [];
              after = delivered[delivered.length - 1]!.position;
              this.lastPosition = after;
              this.lastEventAt = new Date();
              yield delivered;
              if (signal?.aborted || this.closed) return;
            }
          }
          if (signal?.aborted || this.closed) return;
          state.connected = false;
          attempt += 1;
          this.logger.warn({ hosts: this.hosts, after: after.toString() }, 'EventStoreDB ended the $all subscription');
        } catch (error) {
          if (signal?.aborted || this.closed) return;
          const mapped = toPortError(error);
          if (!(mapped instanceof StoreUnavailableError)) throw mapped;
          state.connected = false;
          attempt += 1;
          this.logger.warn({ hosts: this.hosts, err: mapped, after: after.toString() }, 'EventStoreDB $all subscription dropped');
        } finally {
          signal?.removeEventListener('abort', stop);
          // The client emits errors on the stream itself; one arriving after we stopped reading must not crash.
          subscription.on('error', () => undefined);
          void subscription.unsubscribe().catch(() => undefined);
        }
      }
    } finally {
      this.running.delete(state);
    }
  }

  subscriptionStatus(): SubscriptionStatus {
    const states = [...this.running];
    return {
      active: states.length,
      connected: states.length > 0 && states.every((s) => s.connected),
      retries: this.retries,
      lastEventAt: this.lastEventAt,
      lastPosition: this.lastPosition,
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.client.dispose();
  }

  /**
   * A one-event append's result carries that event's position. For several events the result is
   * the write's as a whole, and an idempotent replay may carry none, so the last event is read
   * back from the leader: the port promises the position of the last event appended.
   */
  private async lastAppendedPosition(streamName: string, count: number, result: ClientAppendResult): Promise<GlobalPosition> {
    const commit = result.position?.commit;
    // Positions are signed 64-bit on the server: -1 ("none") may arrive as 2^64 - 1.
    if (count === 1 && commit !== undefined && commit > 0n && commit < 2n ** 63n) return commit;
    const read = this.client.readStream(streamName, {
      direction: FORWARDS,
      fromRevision: result.nextExpectedRevision,
      maxCount: 1,
      requiresLeader: true,
    });
    const [last] = await this.collectStream(read);
    if (!last) throw new Error(`${streamName}@${result.nextExpectedRevision} was appended but cannot be read back`);
    return fromResolved(last).position;
  }

  private async collect<T>(read: StreamingRead<T>): Promise<T[]> {
    const items: T[] = [];
    try {
      for await (const item of read) items.push(item);
    } catch (error) {
      throw toPortError(error);
    }
    return items;
  }

  /** A stream that does not exist reads as empty (the client reports it as an error). */
  private async collectStream(read: StreamingRead<ResolvedEvent>): Promise<ResolvedEvent[]> {
    try {
      return await this.collect(read);
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
  }
}

/**
 * The client's parse error quotes the whole string, password included, so it is not kept as a
 * cause: only what the parser expected survives.
 */
function clientFor(connectionString: string): EventStoreDBClient | { expected?: string } {
  try {
    return EventStoreDBClient.connectionString(connectionString);
  } catch (error) {
    const expected = (error as { expected?: unknown }).expected;
    return typeof expected === 'string' ? { expected } : {};
  }
}

function fromResolved(resolved: ResolvedEvent): RecordedEvent {
  if (!resolved.event) throw new Error('EventStoreDB returned a link without its event');
  return toRecordedEvent(resolved.event, resolved.commitPosition);
}

/** Subscriptions and reads take a position pair; 0n means the log's start (no event sits there). */
function fromExclusive(after: GlobalPosition): ReadPosition {
  return after === 0n ? START : toClientPosition(after);
}

function unreachableReason(error: unknown): string {
  if (error instanceof StoreUnavailableError && error.cause instanceof Error) error = error.cause;
  if (error instanceof AccessDeniedError) return 'access denied (reading $all needs an admin user in the connection string)';
  const message = error instanceof Error ? error.message : String(error);
  // gRPC appends an empty "Resolution note:" to connection errors; it says nothing.
  return message.split('\n', 1)[0]!.replace(/\s*Resolution note:\s*$/, '') || 'no reason given';
}
