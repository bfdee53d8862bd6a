import { createServer, type Server, type Socket } from 'node:net';
import { Readable } from 'node:stream';
import {
  AccessDeniedError,
  UnavailableError,
  type AllStreamResolvedEvent,
  type EventStoreDBClient,
  type SubscribeToAllOptions,
} from '@eventstore/db-client';
import pino from 'pino';
import { StoreUnavailableError, type RecordedEvent } from '../event-store.port';
import { EventStoreDbEventStore, type EventStoreDbLogger } from './eventstoredb-event-store';
import { toStoredMetadata } from './eventstoredb-mapping';

/** A subscription as the client builds it: a Readable of resolved events that emits its errors. */
type ScriptedSubscription = Readable & { unsubscribe(): Promise<void>; unsubscribed: boolean };

function scriptedSubscription(events: AllStreamResolvedEvent[], then: 'stay-live' | Error): ScriptedSubscription {
  const stream = new Readable({ objectMode: true, read: () => undefined }) as ScriptedSubscription;
  stream.unsubscribed = false;
  stream.unsubscribe = async () => {
    stream.unsubscribed = true;
  };
  for (const event of events) stream.push(event);
  // The client emits errors without destroying, so what is buffered is still read first.
  if (then instanceof Error) setImmediate(() => stream.emit('error', then));
  return stream;
}

function resolved(position: bigint, streamId = 'wallet-u1', type = 'CoinsPurchased'): AllStreamResolvedEvent {
  return {
    event: {
      streamId,
      id: `00000000-0000-4000-8000-${position.toString().padStart(12, '0')}`,
      isJson: true,
      revision: position,
      type,
      created: new Date('2024-05-01T10:00:00.000Z'),
      data: { n: Number(position) },
      metadata: toStoredMetadata({
        correlationId: 'c',
        causationId: 'c',
        actorId: 'a',
        occurredAt: '2024-05-01T10:00:00.000Z',
        schemaVersion: 1,
      }),
      position: { commit: position, prepare: position },
    },
  };
}

function scriptedClient(subscriptions: ScriptedSubscription[]) {
  const calls: SubscribeToAllOptions[] = [];
  const client = {
    subscribeToAll(options: SubscribeToAllOptions) {
      calls.push(options);
      const next = subscriptions.shift();
      if (!next) throw new Error('the script has no more subscriptions');
      return next;
    },
    dispose: async () => undefined,
  };
  return { client: client as unknown as EventStoreDBClient, calls };
}

const quiet: EventStoreDbLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

async function take(iterable: AsyncIterable<RecordedEvent[]>, batches: number): Promise<RecordedEvent[][]> {
  const taken: RecordedEvent[][] = [];
  for await (const batch of iterable) {
    taken.push(batch);
    if (taken.length === batches) break;
  }
  return taken;
}

const positions = (batches: RecordedEvent[][]) => batches.map((batch) => batch.map((e) => e.position));

describe('EventStoreDbEventStore.subscribeToAll (scripted client)', () => {
  it('batches what is already buffered, up to maxBatch, and skips system events', async () => {
    const live = scriptedSubscription(
      [resolved(10n), resolved(20n), resolved(25n, '$stats-node', '$statsCollected'), resolved(30n), resolved(40n), resolved(50n)],
      'stay-live',
    );
    const { client, calls } = scriptedClient([live]);
    const store = EventStoreDbEventStore.fromClient(client, { logger: quiet });

    const batches = await take(store.subscribeToAll({ maxBatch: 2 }), 3);

    expect(positions(batches)).toEqual([[10n, 20n], [30n, 40n], [50n]]);
    expect(calls[0]!.fromPosition).toBe('start');
    expect(calls[0]!.filter).toMatchObject({ filterOn: 'eventType', regex: '^[^$].*' });
    expect(live.unsubscribed).toBe(true);
  });

  it('resumes strictly after the checkpoint it was given', async () => {
    const beyondDoubles = 2n ** 53n + 1n;
    // Even if the server handed back the checkpoint's own event, it must not be delivered again.
    const live = scriptedSubscription([resolved(beyondDoubles), resolved(beyondDoubles + 7n)], 'stay-live');
    const { client, calls } = scriptedClient([live]);
    const store = EventStoreDbEventStore.fromClient(client, { logger: quiet });

    const [batch] = await take(store.subscribeToAll({ after: beyondDoubles }), 1);

    expect(calls[0]!.fromPosition).toEqual({ commit: beyondDoubles, prepare: beyondDoubles });
    expect(batch!.map((e) => e.position)).toEqual([beyondDoubles + 7n]);
  });

  it('resubscribes from the last delivered position after a drop, neither skipping nor repeating', async () => {
    const warnings: object[] = [];
    const logger: EventStoreDbLogger = { ...quiet, warn: (obj) => void warnings.push(obj) };
    const dropped = scriptedSubscription([resolved(10n), resolved(20n)], new UnavailableError());
    const resumed = scriptedSubscription([resolved(20n), resolved(30n)], 'stay-live');
    const { client, calls } = scriptedClient([dropped, resumed]);
    const store = EventStoreDbEventStore.fromClient(client, { logger });

    const delivered = (await take(store.subscribeToAll({ maxBatch: 1 }), 3)).flat().map((e) => e.position);

    expect(delivered).toEqual([10n, 20n, 30n]);
    expect(calls[1]!.fromPosition).toEqual({ commit: 20n, prepare: 20n });
    expect(warnings).toContainEqual(expect.objectContaining({ attempt: 1, delayMs: 100, after: '20' }));
    expect(store.subscriptionStatus()).toMatchObject({ retries: 1, lastPosition: 30n, active: 0 });
  });

  it('ends when its signal aborts, and reports itself while it runs', async () => {
    const live = scriptedSubscription([resolved(10n)], 'stay-live');
    const { client } = scriptedClient([live]);
    const store = EventStoreDbEventStore.fromClient(client, { logger: quiet });
    const controller = new AbortController();
    const seen: bigint[] = [];

    for await (const batch of store.subscribeToAll({ signal: controller.signal })) {
      seen.push(...batch.map((e) => e.position));
      expect(store.subscriptionStatus()).toMatchObject({ active: 1, connected: true, retries: 0, lastPosition: 10n });
      expect(store.subscriptionStatus().lastEventAt).toBeInstanceOf(Date);
      controller.abort();
    }

    expect(seen).toEqual([10n]);
    expect(live.unsubscribed).toBe(true);
    expect(store.subscriptionStatus()).toMatchObject({ active: 0, connected: false });
  });

  it('gives up at once on an error a retry cannot fix', async () => {
    const denied = scriptedSubscription([], new AccessDeniedError());
    const { client, calls } = scriptedClient([denied]);
    const store = EventStoreDbEventStore.fromClient(client, { logger: quiet });

    await expect(take(store.subscribeToAll(), 1)).rejects.toBeInstanceOf(AccessDeniedError);
    expect(calls).toHaveLength(1);
  });
});

describe('EventStoreDbEventStore.connect without a server', () => {
  let server: Server | undefined;
  const sockets: Socket[] = [];

  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.destroy();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = undefined;
  });

  async function listen(onConnection: (socket: Socket) => void): Promise<number> {
    server = createServer(onConnection);
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    return (server.address() as { port: number }).port;
  }

  async function closedPort(): Promise<number> {
    const port = await listen(() => undefined);
    await new Promise<void>((resolve) => server!.close(() => resolve()));
    server = undefined;
    return port;
  }

  it('fails with one sentence naming the host, never the password', async () => {
    const port = await closedPort();
    const failure = await EventStoreDbEventStore.connect(`esdb://admin:s3cr3t@127.0.0.1:${port}?tls=false`).catch((e: unknown) => e);

    expect(failure).toBeInstanceOf(StoreUnavailableError);
    expect((failure as Error).message).toMatch(new RegExp(`^EventStoreDB at 127\\.0\\.0\\.1:${port} is unreachable: \\S`));
    expect((failure as Error).message).not.toContain('s3cr3t');
    expect((failure as Error).message).not.toContain('\n');
  });

  it('gives up on a server that accepts connections but never answers', async () => {
    const port = await listen((socket) => void sockets.push(socket));

    await expect(
      EventStoreDbEventStore.connect(`esdb://127.0.0.1:${port}?tls=false`, { probeTimeoutMs: 300 }),
    ).rejects.toThrow(`EventStoreDB at 127.0.0.1:${port} is unreachable: no answer within 300 ms`);
  });

  it('refuses a malformed connection string without quoting it', async () => {
    await expect(EventStoreDbEventStore.connect('esdb://admin:s3cr3t@host:notaport')).rejects.toThrow(
      /^EVENTSTORE_URL is not a valid EventStoreDB connection string/,
    );
    await expect(EventStoreDbEventStore.connect('esdb://admin:s3cr3t@host:notaport')).rejects.not.toThrow(/s3cr3t/);
  });

  it('takes a pino logger as it is', () => {
    const logger: EventStoreDbLogger = pino({ level: 'silent' });
    expect(typeof logger.warn).toBe('function');
  });
});
