import {
  ANY,
  AccessDeniedError,
  DeadlineExceededError,
  NO_STREAM,
  StreamNotFoundError,
  UnavailableError,
  WrongExpectedVersionError,
  jsonEvent,
} from '@eventstore/db-client';
import { StoreUnavailableError, WrongExpectedRevisionError, type EventMetadata } from '../event-store.port';
import {
  fromClientPosition,
  fromStoredMetadata,
  isSystemEvent,
  toClientEvent,
  toClientExpectedRevision,
  toClientPosition,
  toPortError,
  toRecordedEvent,
  toStoredMetadata,
} from './eventstoredb-mapping';

const metadata: EventMetadata = {
  correlationId: 'req-1',
  causationId: 'req-1',
  actorId: 'user-1',
  idempotencyKey: 'key-1',
  occurredAt: '2024-05-01T10:00:00.000Z',
  schemaVersion: 1,
};
const beyondDoubles = 2n ** 53n + 1n;

describe('expected revision mapping', () => {
  it('maps no_stream and any to the client constants', () => {
    expect(toClientExpectedRevision('no_stream')).toBe(NO_STREAM);
    expect(toClientExpectedRevision('any')).toBe(ANY);
  });

  it('keeps an exact revision exact, even beyond 2^53', () => {
    expect(toClientExpectedRevision(0n)).toBe(0n);
    expect(toClientExpectedRevision(beyondDoubles)).toBe(beyondDoubles);
  });

  it('refuses a negative revision instead of sending it', () => {
    expect(() => toClientExpectedRevision(-1n)).toThrow(TypeError);
  });
});

describe('position conversion', () => {
  it('round-trips a position above 2^53 without losing a unit', () => {
    const position = toClientPosition(beyondDoubles);
    expect(position).toEqual({ commit: beyondDoubles, prepare: beyondDoubles });
    expect(fromClientPosition(position)).toBe(beyondDoubles);
    expect(fromClientPosition({ commit: 2n ** 63n - 1n, prepare: 2n ** 63n - 1n })).toBe(9223372036854775807n);
  });

  it('uses the commit position when the pair differs', () => {
    expect(fromClientPosition({ commit: 900n, prepare: 850n })).toBe(900n);
  });

  it('refuses a negative position', () => {
    expect(() => toClientPosition(-5n)).toThrow(RangeError);
  });
});

describe('system events', () => {
  it('recognises $-types and $-streams, not ours', () => {
    expect(isSystemEvent('$stats-127.0.0.1:2113', 'StatsCollected')).toBe(true);
    expect(isSystemEvent('$ce-wallet', '$>')).toBe(true);
    expect(isSystemEvent('wallet-u1', '$metadata')).toBe(true);
    expect(isSystemEvent('wallet-u1', 'CoinsPurchased')).toBe(false);
  });
});

describe('metadata', () => {
  it('writes the server conventional correlation keys beside ours', () => {
    expect(toStoredMetadata({ ...metadata, causationId: 'evt-9' })).toEqual({
      ...metadata,
      causationId: 'evt-9',
      $correlationId: 'req-1',
      $causationId: 'evt-9',
    });
  });

  it('reads back exactly the metadata that was appended', () => {
    expect(fromStoredMetadata(toStoredMetadata(metadata), 'here')).toEqual(metadata);
  });

  it('says which event is unreadable when its metadata is not a JSON object', () => {
    expect(() => fromStoredMetadata(undefined, 'event e1 in s@0')).toThrow(/event e1 in s@0 has no JSON metadata/);
    expect(() => fromStoredMetadata(new Uint8Array([1]), 'x')).toThrow(TypeError);
    expect(() => fromStoredMetadata([1, 2], 'x')).toThrow(TypeError);
  });

  it('refuses data JSON cannot carry before it reaches the client', () => {
    const base = { eventId: 'e1', type: 'X', metadata };
    expect(() => toClientEvent({ ...base, data: { coins: 1n } })).toThrow(/event e1 \(X\) has data JSON cannot carry/);
    expect(() => toClientEvent({ ...base, data: undefined })).toThrow(TypeError);
  });

  it('becomes a JSON event with our id through the client', () => {
    const eventId = '0b9c6f4e-5e0e-4d8a-9d3b-1f0f5a7c2e11';
    const data = jsonEvent(toClientEvent({ eventId, type: 'CoinsPurchased', data: { coins: 70 }, metadata }));
    expect(data).toMatchObject({ id: eventId, contentType: 'application/json', type: 'CoinsPurchased', data: { coins: 70 } });
    expect(data.metadata).toMatchObject({ $correlationId: 'req-1', actorId: 'user-1' });
  });
});

describe('recorded events', () => {
  const recorded = {
    streamId: 'wallet-u1',
    id: 'e1',
    isJson: true as const,
    revision: 3n,
    type: 'GiftSent',
    created: new Date('2024-05-01T10:00:01.000Z'),
    data: { coinsSpent: 5 },
    metadata: toStoredMetadata(metadata),
  };

  it('maps a record with its position', () => {
    expect(toRecordedEvent({ ...recorded, position: { commit: beyondDoubles, prepare: beyondDoubles } })).toEqual({
      streamName: 'wallet-u1',
      revision: 3n,
      position: beyondDoubles,
      eventId: 'e1',
      type: 'GiftSent',
      data: { coinsSpent: 5 },
      metadata,
      recordedAt: new Date('2024-05-01T10:00:01.000Z'),
    });
  });

  it('falls back to the resolved event commit position, and names the server version when there is none', () => {
    expect(toRecordedEvent(recorded, 42n).position).toBe(42n);
    expect(() => toRecordedEvent(recorded)).toThrow(/22\.6 or later/);
  });
});

describe('error mapping with the client real error classes', () => {
  it('turns a wrong expected version into the port conflict, keeping our expectation and the actual revision', () => {
    const error = new WrongExpectedVersionError(undefined, { streamName: 'wallet-u1', expected: 3n, current: 5n });
    const mapped = toPortError(error, { streamName: 'wallet-u1', expected: 3n });
    expect(mapped).toBeInstanceOf(WrongExpectedRevisionError);
    expect(mapped).toMatchObject({ streamName: 'wallet-u1', expected: 3n, actual: 5n });
  });

  it('reports a stream that does not exist as actual no_stream', () => {
    const error = new WrongExpectedVersionError(undefined, { streamName: 'wallet-u2', expected: 0n, current: NO_STREAM });
    expect(toPortError(error, { streamName: 'wallet-u2', expected: 0n })).toMatchObject({ expected: 0n, actual: 'no_stream' });
  });

  it('keeps no_stream as the expectation when that is what the caller sent', () => {
    const error = new WrongExpectedVersionError(undefined, { streamName: 'wallet-u3', expected: NO_STREAM, current: 0n });
    expect(toPortError(error, { streamName: 'wallet-u3', expected: 'no_stream' })).toMatchObject({ expected: 'no_stream', actual: 0n });
  });

  it.each([
    ['unavailable', new UnavailableError()],
    ['deadline exceeded', new DeadlineExceededError()],
  ])('makes %s a StoreUnavailableError (HTTP 503)', (_name, error) => {
    const mapped = toPortError(error);
    expect(mapped).toBeInstanceOf(StoreUnavailableError);
    expect((mapped as StoreUnavailableError).cause).toBe(error);
  });

  it.each([
    ['UNAVAILABLE', 14],
    ['DEADLINE_EXCEEDED', 4],
  ])('converts a raw gRPC %s service error the way the client does, then to StoreUnavailableError', (_name, code) => {
    const raw = Object.assign(new Error(`${code} connect ECONNREFUSED`), { code, details: 'No connection established' });
    expect(toPortError(raw)).toBeInstanceOf(StoreUnavailableError);
  });

  it('treats a failed cluster discovery as unavailable', () => {
    expect(toPortError(new Error('Failed to discover after 10 attempts.'))).toBeInstanceOf(StoreUnavailableError);
  });

  it('leaves other errors as they are', () => {
    const notFound = new StreamNotFoundError(undefined, 'wallet-x');
    const denied = new AccessDeniedError();
    const plain = new TypeError('bug');
    expect(toPortError(notFound)).toBe(notFound);
    expect(toPortError(denied)).toBe(denied);
    expect(toPortError(plain)).toBe(plain);
    expect(toPortError('not an error')).toBe('not an error');
  });
});
