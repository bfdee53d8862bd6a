import { randomUUID } from 'node:crypto';
import {
  EventStore,
  EventToAppend,
  GlobalPosition,
  positionToJson,
  RecordedEvent,
  WrongExpectedRevisionError,
} from '../../libs/event-store/src/event-store.port';

/**
 * What every EventStore adapter must do. It also runs against a shared EventStoreDB server that
 * keeps every stream between runs and has other writers, so each test uses its own streams, never
 * assumes $all is empty or starts at 1, and reads $all only after the head it saw at its start.
 */
export function eventStoreContract(
  adapterName: string,
  open: () => Promise<{ store: EventStore; close: () => Promise<void> }>,
): void {
  describe(`EventStore contract: ${adapterName}`, () => {
    let store: EventStore;
    let closeStore: () => Promise<void>;

    beforeAll(async () => {
      ({ store, close: closeStore } = await open());
    });

    afterAll(async () => {
      await closeStore?.();
    });

    describe('appending', () => {
      it('appends to a new stream with no_stream and reads the event back', async () => {
        const stream = uniqueStream('wallet');
        const event = anEvent('CoinsPurchased', { coins: 100 });

        const result = await store.appendToStream(stream, [event], { expectedRevision: 'no_stream' });

        expect(result.nextExpectedRevision).toBe(0n);
        expect(result.position).toBeGreaterThan(0n);
        const [read] = await store.readStream(stream);
        expect(read).toMatchObject({
          streamName: stream,
          revision: 0n,
          position: result.position,
          eventId: event.eventId,
          type: 'CoinsPurchased',
          data: { coins: 100 },
          metadata: event.metadata,
        });
        expect(read.recordedAt).toBeInstanceOf(Date);
        expect(Number.isNaN(read.recordedAt.getTime())).toBe(false);
      });

      it('rejects no_stream when the stream exists, naming the stream', async () => {
        const stream = uniqueStream('wallet');
        await store.appendToStream(stream, [anEvent()], { expectedRevision: 'no_stream' });

        const error = await rejectionOf(store.appendToStream(stream, [anEvent()], { expectedRevision: 'no_stream' }));

        expect(error).toBeInstanceOf(WrongExpectedRevisionError);
        expect(error).toMatchObject({ streamName: stream, expected: 'no_stream', actual: 0n });
        expect(await store.readStream(stream)).toHaveLength(1);
      });

      it('accepts the exact current revision and rejects a stale one', async () => {
        const stream = uniqueStream('wallet');
        await store.appendToStream(stream, [anEvent(), anEvent()], { expectedRevision: 'no_stream' });

        const next = await store.appendToStream(stream, [anEvent()], { expectedRevision: 1n });
        expect(next.nextExpectedRevision).toBe(2n);

        const error = await rejectionOf(store.appendToStream(stream, [anEvent()], { expectedRevision: 1n }));
        expect(error).toBeInstanceOf(WrongExpectedRevisionError);
        expect(error).toMatchObject({ streamName: stream, expected: 1n, actual: 2n });
      });

      it('rejects an exact revision on a stream that does not exist', async () => {
        const stream = uniqueStream('wallet');

        const error = await rejectionOf(store.appendToStream(stream, [anEvent()], { expectedRevision: 0n }));

        expect(error).toBeInstanceOf(WrongExpectedRevisionError);
        expect(error).toMatchObject({ streamName: stream, actual: 'no_stream' });
        expect(await store.streamRevision(stream)).toBeNull();
      });

      it("appends with 'any' whether or not the stream exists", async () => {
        const stream = uniqueStream('creator');
        await store.appendToStream(stream, [anEvent()], { expectedRevision: 'any' });
        const second = await store.appendToStream(stream, [anEvent()], { expectedRevision: 'any' });
        expect(second.nextExpectedRevision).toBe(1n);
      });

      it('appends many events atomically: all at consecutive revisions, or none on conflict', async () => {
        const stream = uniqueStream('wallet');
        const first = [anEvent(), anEvent(), anEvent()];
        const result = await store.appendToStream(stream, first, { expectedRevision: 'no_stream' });
        expect(result.nextExpectedRevision).toBe(2n);

        const conflicting = [anEvent(), anEvent(), anEvent(), anEvent(), anEvent()];
        await expect(store.appendToStream(stream, conflicting, { expectedRevision: 0n })).rejects.toBeInstanceOf(
          WrongExpectedRevisionError,
        );

        const read = await store.readStream(stream);
        expect(read.map((e) => e.eventId)).toEqual(first.map((e) => e.eventId));
        expect(read.map((e) => e.revision)).toEqual([0n, 1n, 2n]);
        expect(read[2].position).toBe(result.position);
        expect(read[0].position).toBeLessThan(read[1].position);
        expect(read[1].position).toBeLessThan(read[2].position);
      });

      it('lets exactly one of 20 concurrent appends with the same expected revision win', async () => {
        const stream = uniqueStream('wallet');
        await store.appendToStream(stream, [anEvent()], { expectedRevision: 'no_stream' });

        const attempts = await Promise.allSettled(
          Array.from({ length: 20 }, () => store.appendToStream(stream, [anEvent()], { expectedRevision: 0n })),
        );

        const won = attempts.filter((a) => a.status === 'fulfilled');
        const lost = attempts.filter((a): a is PromiseRejectedResult => a.status === 'rejected');
        expect(won).toHaveLength(1);
        expect(lost).toHaveLength(19);
        for (const l of lost) expect(l.reason).toBeInstanceOf(WrongExpectedRevisionError);
        expect(await store.streamRevision(stream)).toBe(1n);
        expect(await store.readStream(stream)).toHaveLength(2);
      });
    });

    describe('idempotent retries', () => {
      it('returns the original result for a retried append and stores its events once', async () => {
        const stream = uniqueStream('wallet');
        const events = [anEvent(), anEvent()];
        const original = await store.appendToStream(stream, events, { expectedRevision: 'no_stream' });

        const retried = await store.appendToStream(stream, events, { expectedRevision: 'no_stream' });

        expect(retried).toEqual(original);
        const read = await store.readStream(stream);
        expect(read.map((e) => e.eventId)).toEqual(events.map((e) => e.eventId));
      });

      it('recognises a retry with an exact revision after the stream moved on', async () => {
        const stream = uniqueStream('wallet');
        await store.appendToStream(stream, [anEvent()], { expectedRevision: 'no_stream' });
        const credit = [anEvent('DiamondsCredited')];
        const original = await store.appendToStream(stream, credit, { expectedRevision: 0n });
        await store.appendToStream(stream, [anEvent()], { expectedRevision: 1n });

        const retried = await store.appendToStream(stream, credit, { expectedRevision: 0n });

        expect(retried).toEqual(original);
        expect(await store.readStream(stream)).toHaveLength(3);
      });
    });

    describe('reading a stream', () => {
      it('reads from a revision, at most maxCount events', async () => {
        const stream = uniqueStream('wallet');
        const events = Array.from({ length: 6 }, (_, i) => anEvent('CoinsPurchased', { i }));
        await store.appendToStream(stream, events, { expectedRevision: 'no_stream' });

        const page = await store.readStream(stream, { fromRevision: 2n, maxCount: 3 });

        expect(page.map((e) => e.revision)).toEqual([2n, 3n, 4n]);
        expect(page.map((e) => e.data)).toEqual([{ i: 2 }, { i: 3 }, { i: 4 }]);
        expect(await store.readStream(stream, { fromRevision: 5n })).toHaveLength(1);
        expect(await store.readStream(stream, { fromRevision: 6n })).toEqual([]);
      });

      it('reads a missing stream as empty, with no revision', async () => {
        const stream = uniqueStream('wallet');
        expect(await store.readStream(stream)).toEqual([]);
        expect(await store.streamRevision(stream)).toBeNull();
      });

      it("reports the stream's last revision", async () => {
        const stream = uniqueStream('creator');
        await store.appendToStream(stream, [anEvent()], { expectedRevision: 'no_stream' });
        expect(await store.streamRevision(stream)).toBe(0n);
        await store.appendToStream(stream, [anEvent(), anEvent()], { expectedRevision: 0n });
        expect(await store.streamRevision(stream)).toBe(2n);
      });

      it('round-trips data and metadata exactly', async () => {
        const stream = uniqueStream('wallet');
        const data = {
          text: 'Zoë sends 🌹🎁 to 李小龙 — مرحبا, e\u0301, "quoted" \\ back\nslash',
          nested: { deeper: { list: [1, 'two', { three: [true, false, null] }], empty: {} }, emptyList: [] },
          biggestSafe: Number.MAX_SAFE_INTEGER,
          smallestSafe: Number.MIN_SAFE_INTEGER,
          zero: 0,
          money: { value: 199, currency: 'USD' },
          blank: '',
        };
        const metadata = {
          ...aMetadata(),
          idempotencyKey: 'clé-🔑-1',
          requestHash: 'a'.repeat(64),
        };
        const event: EventToAppend = { eventId: randomUUID(), type: 'GiftSent', data, metadata };
        const head = await store.headPosition();
        await store.appendToStream(stream, [event], { expectedRevision: 'no_stream' });

        const [read] = await store.readStream(stream);
        expect(read.data).toEqual(data);
        expect(read.metadata).toEqual(metadata);
        const [viaAll] = (await readOwnAfter(store, head, new Set([stream]), 1)).events;
        expect(viaAll.data).toEqual(data);
        expect(viaAll.metadata).toEqual(metadata);
      });
    });

    describe('reading all', () => {
      it('reads all streams in global order with strictly increasing positions; after is exclusive', async () => {
        const head = await store.headPosition();
        const [a, b, c] = [uniqueStream('wallet'), uniqueStream('wallet'), uniqueStream('creator')];
        const appended: string[] = [];
        const appendTo = async (stream: string, count: number) => {
          const events = Array.from({ length: count }, () => anEvent());
          await store.appendToStream(stream, events, { expectedRevision: 'any' });
          appended.push(...events.map((e) => e.eventId));
        };
        await appendTo(a, 2);
        await appendTo(b, 1);
        await appendTo(a, 1);
        await appendTo(c, 3);

        const { events: own, all } = await readOwnAfter(store, head, new Set([a, b, c]), appended.length);

        expect(own.map((e) => e.eventId)).toEqual(appended);
        expect(all[0].position).toBeGreaterThan(head);
        for (let i = 1; i < all.length; i += 1) expect(all[i].position).toBeGreaterThan(all[i - 1].position);

        const resumed = await readOwnAfter(store, own[2].position, new Set([a, b, c]), appended.length - 3);
        expect(resumed.events.map((e) => e.eventId)).toEqual(appended.slice(3));
        expect(resumed.all[0].position).toBeGreaterThan(own[2].position);
      });

      it('returns at most maxCount events', async () => {
        const head = await store.headPosition();
        const stream = uniqueStream('wallet');
        await store.appendToStream(stream, [anEvent(), anEvent(), anEvent()], { expectedRevision: 'no_stream' });

        const page = await store.readAll({ after: head, maxCount: 2 });

        expect(page).toHaveLength(2);
      });

      it('reads only the events of the types asked for, maxCount counting those', async () => {
        const head = await store.headPosition();
        // Types of this test alone: a shared server has other writers, whose events must not match.
        const [gift, credit, other] = ['Gift', 'Credit', 'Other'].map((name) => `Contract${name}_${randomUUID().slice(0, 8)}`);
        const wallet = uniqueStream('wallet');
        const creator = uniqueStream('creator');
        await store.appendToStream(wallet, [anEvent(gift), anEvent(other)], { expectedRevision: 'no_stream' });
        await store.appendToStream(creator, [anEvent(credit)], { expectedRevision: 'no_stream' });
        await store.appendToStream(wallet, [anEvent(other), anEvent(gift)], { expectedRevision: 1n });
        await store.appendToStream(creator, [anEvent(credit), anEvent(other)], { expectedRevision: 0n });
        const everything = (await readOwnAfter(store, head, new Set([wallet, creator]), 7)).events;
        const wanted = everything.filter((event) => event.type === gift || event.type === credit);

        const first = await store.readAll({ after: head, maxCount: 3, eventTypes: [gift, credit] });
        const rest = await store.readAll({ after: first[2]!.position, maxCount: 3, eventTypes: [credit, gift] });

        expect(wanted.map((event) => event.type)).toEqual([gift, credit, gift, credit]);
        expect(first.map((event) => event.eventId)).toEqual(wanted.slice(0, 3).map((event) => event.eventId));
        expect(first[1]).toEqual(wanted[1]);
        expect(rest.map((event) => event.eventId)).toEqual([wanted[3]!.eventId]);
        expect(await store.readAll({ after: head, eventTypes: [] })).toEqual([]);
        expect(await store.readAll({ after: head, eventTypes: [`ContractNone_${randomUUID()}`] })).toEqual([]);
      });

      it('moves the head position forward with every append', async () => {
        const before = await store.headPosition();
        const result = await store.appendToStream(uniqueStream('wallet'), [anEvent()], { expectedRevision: 'no_stream' });
        const after = await store.headPosition();

        expect(after).toBeGreaterThan(before);
        expect(after).toBeGreaterThanOrEqual(result.position);
      });

      it('turns small positions into exact JSON integers', async () => {
        const result = await store.appendToStream(uniqueStream('wallet'), [anEvent()], { expectedRevision: 'no_stream' });

        const json = positionToJson(result.position);

        expect(Number.isSafeInteger(json)).toBe(true);
        expect(BigInt(JSON.parse(JSON.stringify({ position: json })).position)).toBe(result.position);
        expect(() => positionToJson(2n ** 53n)).toThrow(RangeError);
      });
    });

    describe('subscribing to all', () => {
      it('delivers catch-up then live events in order, once each, and ends on abort', async () => {
        const head = await store.headPosition();
        const stream = uniqueStream('wallet');
        const past = [anEvent(), anEvent()];
        await store.appendToStream(stream, past, { expectedRevision: 'no_stream' });
        const live = [anEvent(), anEvent(), anEvent()];

        const controller = new AbortController();
        const seen: RecordedEvent[] = [];
        const positions: GlobalPosition[] = [];
        let liveAppends: Promise<unknown> | undefined;
        for await (const batch of store.subscribeToAll({ after: head, signal: controller.signal, maxBatch: 2 })) {
          expect(batch.length).toBeGreaterThan(0);
          expect(batch.length).toBeLessThanOrEqual(2);
          positions.push(...batch.map((e) => e.position));
          seen.push(...batch.filter((e) => e.streamName === stream));
          if (seen.length === past.length && liveAppends === undefined) {
            // Appended while the subscription runs: these arrive through the live path.
            liveAppends = store
              .appendToStream(stream, live.slice(0, 1), { expectedRevision: 1n })
              .then(() => store.appendToStream(stream, live.slice(1), { expectedRevision: 2n }))
              .catch((error: unknown) => {
                controller.abort();
                throw error;
              });
          }
          if (seen.length >= past.length + live.length) controller.abort();
        }

        await liveAppends;
        expect(seen.map((e) => e.eventId)).toEqual([...past, ...live].map((e) => e.eventId));
        expect(seen.map((e) => e.revision)).toEqual([0n, 1n, 2n, 3n, 4n]);
        expect(positions[0]).toBeGreaterThan(head);
        for (let i = 1; i < positions.length; i += 1) expect(positions[i]).toBeGreaterThan(positions[i - 1]);
      });

      it('resumes strictly after the given position', async () => {
        const stream = uniqueStream('wallet');
        const events = [anEvent(), anEvent(), anEvent()];
        await store.appendToStream(stream, events, { expectedRevision: 'no_stream' });
        const [, second] = await store.readStream(stream);

        const controller = new AbortController();
        const seen: RecordedEvent[] = [];
        for await (const batch of store.subscribeToAll({ after: second.position, signal: controller.signal })) {
          expect(batch[0].position).toBeGreaterThan(second.position);
          seen.push(...batch.filter((e) => e.streamName === stream));
          if (seen.length >= 1) controller.abort();
        }

        expect(seen.map((e) => e.eventId)).toEqual([events[2].eventId]);
      });

      it('ends an idle live subscription when the signal aborts', async () => {
        const controller = new AbortController();
        const head = await store.headPosition();
        const subscription = store.subscribeToAll({ after: head, signal: controller.signal });
        const iterator = subscription[Symbol.asyncIterator]();

        const next = iterator.next();
        setTimeout(() => controller.abort(), 50);
        let result = await next;
        // Another writer on a shared server may deliver something first; the end must still come.
        while (!result.done) result = await iterator.next();

        expect(result.done).toBe(true);
      });
    });
  });
}

/** Pages through $all after `after` until `count` events of `streams` were seen. */
async function readOwnAfter(
  store: EventStore,
  after: GlobalPosition,
  streams: ReadonlySet<string>,
  count: number,
): Promise<{ events: RecordedEvent[]; all: RecordedEvent[] }> {
  const events: RecordedEvent[] = [];
  const all: RecordedEvent[] = [];
  let cursor = after;
  while (events.length < count) {
    const page = await store.readAll({ after: cursor, maxCount: 500 });
    if (page.length === 0) break;
    all.push(...page);
    events.push(...page.filter((e) => streams.has(e.streamName)));
    cursor = page[page.length - 1].position;
  }
  return { events, all };
}

function uniqueStream(category: 'wallet' | 'creator'): string {
  return `${category}-contract_${randomUUID()}`;
}

function aMetadata(): EventToAppend['metadata'] {
  const requestId = randomUUID();
  return {
    correlationId: requestId,
    causationId: requestId,
    actorId: 'user-contract',
    occurredAt: '2025-01-02T03:04:05.678Z',
    schemaVersion: 1,
  };
}

function anEvent(type = 'CoinsPurchased', data: unknown = { coins: 1 }): EventToAppend {
  return { eventId: randomUUID(), type, data, metadata: aMetadata() };
}

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject');
}
