import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import {
  DuplicateEventIdError,
  EventToAppend,
  RecordedEvent,
  StoreUnavailableError,
  WrongExpectedRevisionError,
} from '../../libs/event-store/src/event-store.port';
import { Worker } from 'node:worker_threads';
import { AppendThread } from '../../libs/event-store/src/embedded/append-thread';
import { serializeEvent } from '../../libs/event-store/src/embedded/event-rows';
import { SqliteEventStore } from '../../libs/event-store/src/embedded/sqlite-event-store';
import { eventStoreContract } from './event-store.contract';

const dir = mkdtempSync(join(tmpdir(), 'coinstream-event-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const freshFile = () => join(dir, `${randomUUID()}`, 'events.db');

eventStoreContract('embedded SQLite', async () => {
  const store = SqliteEventStore.open({ file: freshFile() });
  return { store, close: () => store.close() };
});

eventStoreContract('embedded SQLite with an append thread', async () => {
  const store = SqliteEventStore.open({ file: freshFile(), appendThread: true });
  return { store, close: () => store.close() };
});

describe.each([
  ['committing on the event loop', false],
  ['committing on an append thread', true],
])('SqliteEventStore (embedded only), %s', (_mode, appendThread) => {
  const opened: SqliteEventStore[] = [];
  const open = (file: string, pollIntervalMs?: number) => {
    const store = SqliteEventStore.open({ file, pollIntervalMs, appendThread: appendThread && file !== ':memory:' });
    opened.push(store);
    return store;
  };
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((s) => s.close()));
  });

  it('keeps acknowledged events across close and reopen, and revisions continue', async () => {
    const file = freshFile();
    const first = open(file);
    const events = [anEvent(), anEvent()];
    const written = await first.appendToStream('wallet-durable', events, { expectedRevision: 'no_stream' });
    await first.close();

    const reopened = open(file);

    expect((await reopened.readStream('wallet-durable')).map((e) => e.eventId)).toEqual(events.map((e) => e.eventId));
    expect(await reopened.streamRevision('wallet-durable')).toBe(1n);
    expect(await reopened.headPosition()).toBe(written.position);
    const next = await reopened.appendToStream('wallet-durable', [anEvent()], { expectedRevision: 1n });
    expect(next).toEqual({ nextExpectedRevision: 2n, position: written.position + 1n });
  });

  it('runs with synchronous = FULL, WAL, foreign keys and the current schema version', () => {
    const store = open(freshFile());

    expect(store.storageSettings()).toEqual({
      journalMode: 'wal',
      synchronous: 2,
      busyTimeoutMs: 5000,
      foreignKeys: true,
      schemaVersion: 2,
    });
  });

  it('refuses a file written by a newer schema', async () => {
    const file = freshFile();
    await open(file).close();
    const raw = new Database(file);
    raw.pragma('user_version = 99');
    raw.close();

    expect(() => SqliteEventStore.open({ file, appendThread })).toThrow(StoreUnavailableError);
  });

  it('upgrades a schema 1 file in place: events, positions and revisions kept, appends continue after them', async () => {
    const file = freshFile();
    mkdirSync(dirname(file), { recursive: true });
    const v1 = new Database(file);
    v1.exec(`
      CREATE TABLE events (position INTEGER PRIMARY KEY AUTOINCREMENT, stream_name TEXT NOT NULL, revision INTEGER NOT NULL CHECK (revision >= 0),
        event_id TEXT NOT NULL UNIQUE, type TEXT NOT NULL, data TEXT NOT NULL, metadata TEXT NOT NULL, recorded_at INTEGER NOT NULL, UNIQUE (stream_name, revision));
      CREATE TABLE streams (stream_name TEXT PRIMARY KEY, revision INTEGER NOT NULL CHECK (revision >= 0)) WITHOUT ROWID;
    `);
    const old = [anEvent(), anEvent(), anEvent()];
    const insert = v1.prepare('INSERT INTO events (position, stream_name, revision, event_id, type, data, metadata, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
    // Positions with a gap, as a v1 file may have after a rolled-back AUTOINCREMENT.
    old.forEach((e, i) => insert.run(i === 2 ? 7 : i + 1, i === 2 ? 'wallet-other' : 'wallet-upgraded', i === 2 ? 0 : i, e.eventId, e.type, JSON.stringify(e.data), JSON.stringify(e.metadata), 1_700_000_000_000));
    v1.pragma('user_version = 1');
    v1.close();

    const store = open(file);

    expect(store.storageSettings().schemaVersion).toBe(2);
    expect((await store.readStream('wallet-upgraded')).map((e) => [e.eventId, e.revision, e.position])).toEqual([
      [old[0]!.eventId, 0n, 1n],
      [old[1]!.eventId, 1n, 2n],
    ]);
    expect(await store.streamRevision('wallet-other')).toBe(0n);
    expect(await store.headPosition()).toBe(7n);
    await expect(store.appendToStream('wallet-upgraded', [anEvent()], { expectedRevision: 0n })).rejects.toBeInstanceOf(WrongExpectedRevisionError);
    expect(await store.appendToStream('wallet-upgraded', [anEvent()], { expectedRevision: 1n })).toEqual({ nextExpectedRevision: 2n, position: 8n });
    const tables = new Database(file, { readonly: true });
    try {
      expect(tables.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'streams'").all()).toEqual([]);
    } finally {
      tables.close();
    }
  });

  it('opens in memory for unit tests', async () => {
    const store = open(':memory:');
    await store.appendToStream('wallet-memory', [anEvent()], { expectedRevision: 'no_stream' });
    expect(await store.headPosition()).toBe(1n);
  });

  it('starts positions at 1 and reports 0 as the head of an empty log', async () => {
    const store = open(freshFile());
    expect(await store.headPosition()).toBe(0n);
    const result = await store.appendToStream('wallet-first', [anEvent()], { expectedRevision: 'no_stream' });
    expect(result.position).toBe(1n);
  });

  describe('group commit', () => {
    it('commits 200 concurrent appends in far fewer transactions than appends', async () => {
      const store = open(freshFile());
      const before = store.stats();

      const results = await Promise.all(
        Array.from({ length: 200 }, (_, i) =>
          store.appendToStream(`wallet-batch-${i}`, [anEvent()], { expectedRevision: 'no_stream' }),
        ),
      );

      const after = store.stats();
      expect(results.map((r) => r.nextExpectedRevision)).toEqual(Array(200).fill(0n));
      expect(new Set(results.map((r) => r.position)).size).toBe(200);
      expect(after.appends - before.appends).toBe(200);
      expect(after.events - before.events).toBe(200);
      expect(after.transactions - before.transactions).toBeLessThanOrEqual(5);
    });

    it('checks appends of one batch to one stream in order against each other', async () => {
      const store = open(freshFile());

      const [first, second, stale] = await Promise.allSettled([
        store.appendToStream('wallet-same-batch', [anEvent()], { expectedRevision: 'no_stream' }),
        store.appendToStream('wallet-same-batch', [anEvent()], { expectedRevision: 0n }),
        store.appendToStream('wallet-same-batch', [anEvent()], { expectedRevision: 0n }),
      ]);

      expect(first).toMatchObject({ status: 'fulfilled', value: { nextExpectedRevision: 0n } });
      expect(second).toMatchObject({ status: 'fulfilled', value: { nextExpectedRevision: 1n } });
      expect(stale.status).toBe('rejected');
      expect((stale as PromiseRejectedResult).reason).toBeInstanceOf(WrongExpectedRevisionError);
      expect(store.stats().transactions).toBe(1);
    });

    it('treats the same append twice in one batch as one append and its retry', async () => {
      const store = open(freshFile());
      const events = [anEvent(), anEvent()];

      const [original, retry] = await Promise.all([
        store.appendToStream('wallet-twice', events, { expectedRevision: 'no_stream' }),
        store.appendToStream('wallet-twice', events, { expectedRevision: 'no_stream' }),
      ]);

      expect(retry).toEqual(original);
      expect(await store.readStream('wallet-twice')).toHaveLength(2);
    });

    it('rejects every append of a batch whose transaction fails, and none is readable', async () => {
      const file = freshFile();
      const store = open(file);
      await store.appendToStream('wallet-before', [anEvent()], { expectedRevision: 'no_stream' });
      failInsertsOfType(file, 'DiskFailure');
      const headBefore = await store.headPosition();

      const attempts = await Promise.allSettled([
        store.appendToStream('wallet-victim-1', [anEvent()], { expectedRevision: 'no_stream' }),
        store.appendToStream('wallet-victim-2', [anEvent(), anEvent()], { expectedRevision: 'any' }),
        store.appendToStream('wallet-failing', [anEvent('DiskFailure')], { expectedRevision: 'no_stream' }),
        store.appendToStream('wallet-before', [anEvent()], { expectedRevision: 0n }),
      ]);

      for (const attempt of attempts) {
        expect(attempt.status).toBe('rejected');
        expect((attempt as PromiseRejectedResult).reason).toBeInstanceOf(StoreUnavailableError);
      }
      expect(store.stats().failedTransactions).toBe(1);
      expect(await store.headPosition()).toBe(headBefore);
      expect(await store.readStream('wallet-victim-1')).toEqual([]);
      expect(await store.readStream('wallet-victim-2')).toEqual([]);
      expect(await store.streamRevision('wallet-before')).toBe(0n);

      const later = await store.appendToStream('wallet-victim-1', [anEvent()], { expectedRevision: 'no_stream' });
      expect(later.nextExpectedRevision).toBe(0n);
    });

    it('flushes pending appends when closing, then refuses further calls', async () => {
      const file = freshFile();
      const store = open(file);
      const pending = store.appendToStream('wallet-closing', [anEvent()], { expectedRevision: 'no_stream' });

      await store.close();

      await expect(pending).resolves.toEqual({ nextExpectedRevision: 0n, position: 1n });
      await expect(store.appendToStream('wallet-closing', [anEvent()], { expectedRevision: 0n })).rejects.toBeInstanceOf(
        StoreUnavailableError,
      );
      await expect(store.readStream('wallet-closing')).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(store.readAll()).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(store.headPosition()).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(store.ping()).rejects.toBeInstanceOf(StoreUnavailableError);
      expect(await open(file).streamRevision('wallet-closing')).toBe(0n);
    });

    it('commits appends made while a batch is in flight after it, in order', async () => {
      const store = open(freshFile());
      const first = store.appendToStream('wallet-pipelined', [anEvent()], { expectedRevision: 'no_stream' });
      await new Promise((resolve) => setImmediate(resolve));
      const second = store.appendToStream('wallet-pipelined', [anEvent()], { expectedRevision: 0n });
      const third = store.appendToStream('wallet-pipelined', [anEvent()], { expectedRevision: 1n });

      const results = await Promise.all([first, second, third]);

      expect(results.map((r) => r.nextExpectedRevision)).toEqual([0n, 1n, 2n]);
      expect(results.map((r) => r.position)).toEqual([1n, 2n, 3n]);
      // Two batches: two transactions on the event loop; the append thread may merge them into one.
      expect(appendThread ? [1, 2] : [2]).toContain(store.stats().transactions);
    });

    it('acknowledges an append only once another connection can read it', async () => {
      const file = freshFile();
      const store = open(file);
      const other = new Database(file, { readonly: true });
      try {
        const appended = await Promise.all(
          Array.from({ length: 20 }, (_, i) => store.appendToStream(`wallet-visible-${i}`, [anEvent()], { expectedRevision: 'no_stream' })),
        );
        const count = other.prepare('SELECT COUNT(*) FROM events WHERE position <= ?').pluck().get(appended.at(-1)!.position);
        expect(count).toBe(20);
      } finally {
        other.close();
      }
    });
  });

  describe('event ids', () => {
    it('checks event ids within their stream, as EventStoreDB does: another stream may hold the same id', async () => {
      const store = open(freshFile());
      const event = anEvent();
      await store.appendToStream('wallet-first-holder', [event], { expectedRevision: 'no_stream' });

      const second = await store.appendToStream('wallet-second-holder', [event], { expectedRevision: 'no_stream' });

      expect(second.nextExpectedRevision).toBe(0n);
      expect((await store.readStream('wallet-second-holder')).map((e) => e.eventId)).toEqual([event.eventId]);
    });

    it('rejects an append mixing already written and new event ids', async () => {
      const store = open(freshFile());
      const old = anEvent();
      await store.appendToStream('wallet-mixed', [old], { expectedRevision: 'no_stream' });

      await expect(
        store.appendToStream('wallet-mixed', [old, anEvent()], { expectedRevision: 'any' }),
      ).rejects.toBeInstanceOf(DuplicateEventIdError);
      expect(await store.readStream('wallet-mixed')).toHaveLength(1);
    });

    it('rejects the same event id twice in one append', async () => {
      const store = open(freshFile());
      const event = anEvent();

      await expect(
        store.appendToStream('wallet-repeat', [event, event], { expectedRevision: 'no_stream' }),
      ).rejects.toBeInstanceOf(DuplicateEventIdError);
      expect(await store.streamRevision('wallet-repeat')).toBeNull();
    });

    it('refuses a retry whose expected revision is not the one it was written at, appending nothing', async () => {
      const store = open(freshFile());
      const events = [anEvent(), anEvent()];
      await store.appendToStream('wallet-retry', events, { expectedRevision: 'no_stream' });
      await store.appendToStream('wallet-retry', [anEvent()], { expectedRevision: 1n });

      const error = await store.appendToStream('wallet-retry', events, { expectedRevision: 7n }).catch((e: unknown) => e);

      expect(error).toBeInstanceOf(WrongExpectedRevisionError);
      expect(await store.readStream('wallet-retry')).toHaveLength(3);
    });

    it('refuses an append that reuses the id of the event right after its expected revision for another event', async () => {
      const store = open(freshFile());
      const [first, second] = [anEvent(), anEvent()];
      await store.appendToStream('wallet-half-retry', [first, second], { expectedRevision: 'no_stream' });

      const error = await store
        .appendToStream('wallet-half-retry', [first, anEvent()], { expectedRevision: 'no_stream' })
        .catch((e: unknown) => e);

      expect(error).toBeInstanceOf(DuplicateEventIdError);
      expect(await store.readStream('wallet-half-retry')).toHaveLength(2);
    });

    it("recognises a retry with 'any' wherever its events are in the stream", async () => {
      const store = open(freshFile());
      await store.appendToStream('wallet-any-retry', [anEvent()], { expectedRevision: 'no_stream' });
      const events = [anEvent(), anEvent()];
      const original = await store.appendToStream('wallet-any-retry', events, { expectedRevision: 'any' });
      await store.appendToStream('wallet-any-retry', [anEvent()], { expectedRevision: 'any' });

      const retried = await store.appendToStream('wallet-any-retry', events, { expectedRevision: 'any' });

      expect(retried).toEqual(original);
      expect(await store.readStream('wallet-any-retry')).toHaveLength(4);
    });

    it('rejects an empty append, a bad expected revision and data that is not JSON', async () => {
      const store = open(freshFile());

      await expect(store.appendToStream('wallet-v', [], { expectedRevision: 'no_stream' })).rejects.toThrow(TypeError);
      await expect(
        store.appendToStream('wallet-v', [anEvent()], { expectedRevision: -1n as unknown as bigint }),
      ).rejects.toThrow(TypeError);
      await expect(
        store.appendToStream('wallet-v', [anEvent('X', { coins: 1n })], { expectedRevision: 'no_stream' }),
      ).rejects.toThrow(TypeError);
      expect(store.stats().transactions).toBe(0);
    });
  });

  describe('subscriptions', () => {
    it('sees events appended by a second instance on the same file', async () => {
      const file = freshFile();
      const reader = open(file, 20);
      const writer = open(file);
      const events = [anEvent(), anEvent(), anEvent()];
      const controller = new AbortController();
      const seen: RecordedEvent[] = [];

      const consuming = (async () => {
        for await (const batch of reader.subscribeToAll({ signal: controller.signal })) {
          seen.push(...batch);
          if (seen.length >= events.length) controller.abort();
        }
      })();
      await writer.appendToStream('wallet-elsewhere', events.slice(0, 1), { expectedRevision: 'no_stream' });
      await writer.appendToStream('wallet-elsewhere', events.slice(1), { expectedRevision: 0n });
      await consuming;

      expect(seen.map((e) => e.eventId)).toEqual(events.map((e) => e.eventId));
      expect(seen.map((e) => e.position)).toEqual([1n, 2n, 3n]);
    });

    it('replays a long log in full batches without skipping or repeating', async () => {
      const store = open(freshFile());
      await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          store.appendToStream(`wallet-replay-${i}`, [anEvent(), anEvent(), anEvent()], { expectedRevision: 'no_stream' }),
        ),
      );
      const controller = new AbortController();
      const positions: bigint[] = [];
      const sizes: number[] = [];

      for await (const batch of store.subscribeToAll({ signal: controller.signal, maxBatch: 40 })) {
        sizes.push(batch.length);
        positions.push(...batch.map((e) => e.position));
        if (positions.length >= 150) controller.abort();
      }

      expect(positions).toEqual(Array.from({ length: 150 }, (_, i) => BigInt(i + 1)));
      expect(sizes).toEqual([40, 40, 40, 30]);
    });

    it('ends a subscription with StoreUnavailableError when the store closes under it', async () => {
      const store = open(freshFile());
      const iterator = store.subscribeToAll()[Symbol.asyncIterator]();

      const next = iterator.next();
      await store.close();

      await expect(next).rejects.toBeInstanceOf(StoreUnavailableError);
    });
  });
});

describe('SqliteEventStore with an append thread (thread only)', () => {
  it("refuses ':memory:', which another thread cannot open", () => {
    expect(() => SqliteEventStore.open({ file: ':memory:', appendThread: true })).toThrow(TypeError);
  });

  it('merges the batches that queued behind a busy thread into one transaction, each answered with its own results', async () => {
    const store = SqliteEventStore.open({ file: freshFile(), appendThread: true });
    try {
      // The thread is still starting: the three turns' batches all wait for it.
      const appended: Promise<unknown>[] = [];
      for (let turn = 0; turn < 3; turn++) {
        appended.push(store.appendToStream(`wallet-merged-${turn}`, [anEvent(), anEvent()], { expectedRevision: 'no_stream' }));
        await new Promise((resolve) => setImmediate(resolve));
      }
      appended.push(store.appendToStream('wallet-merged-0', [anEvent()], { expectedRevision: 5n }).catch((e: unknown) => e));

      const results = await Promise.all(appended);

      expect(results.slice(0, 3)).toEqual([
        { nextExpectedRevision: 1n, position: 2n },
        { nextExpectedRevision: 1n, position: 4n },
        { nextExpectedRevision: 1n, position: 6n },
      ]);
      expect(results[3]).toBeInstanceOf(WrongExpectedRevisionError);
      expect(store.stats()).toMatchObject({ transactions: 1, appends: 3, events: 6 });
    } finally {
      await store.close();
    }
  });

  it('hands appends to the thread every handOverEvents events within a turn, and the thread commits at most maxBatchEvents at once', async () => {
    const store = SqliteEventStore.open({ file: freshFile(), appendThread: true, handOverEvents: 10, maxBatchEvents: 25 });
    const handedOver = jest.spyOn(AppendThread.prototype, 'commit');
    try {
      // One turn: 60 appends queued before the first hand-over could settle.
      const results = await Promise.all(
        Array.from({ length: 60 }, (_, i) => store.appendToStream(`wallet-handed-${i}`, [anEvent()], { expectedRevision: 'no_stream' })),
      );

      expect(handedOver.mock.calls.map(([items]) => items.length)).toEqual([10, 10, 10, 10, 10, 10]);
      expect(new Set(results.map((r) => r.position)).size).toBe(60);
      // Merged behind a busy commit, never more than 25 events (two hand-overs) at once: at least 3 commits.
      expect(store.stats().transactions).toBeGreaterThanOrEqual(3);
      expect(store.stats()).toMatchObject({ appends: 60, events: 60 });
    } finally {
      handedOver.mockRestore();
      await store.close();
    }
  });

  it('copies the WAL back on a checkpoint thread, so commits keep to their appends; the log reads whole after reopening', async () => {
    const file = freshFile();
    const store = SqliteEventStore.open({ file, appendThread: true });
    let written: bigint = 0n;
    try {
      for (let round = 0; round < 5; round++) {
        const results = await Promise.all(
          Array.from({ length: 200 }, (_, i) => store.appendToStream(`wallet-checkpointed-${round}-${i}`, [anEvent()], { expectedRevision: 'no_stream' })),
        );
        written = results.at(-1)!.position;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      expect(store.stats().walCheckpoints).toBeGreaterThan(0);
    } finally {
      await store.close();
    }
    const raw = new Database(file, { readonly: true });
    try {
      expect(raw.prepare('SELECT COUNT(*) FROM events').pluck().get()).toBe(1000);
    } finally {
      raw.close();
    }
    expect(written).toBe(1000n);
  });

  it('keeps the process alive while its threads end on close (a script that closes the store then prints must print)', async () => {
    const store = SqliteEventStore.open({ file: freshFile(), appendThread: true });
    await store.appendToStream('wallet-closing-threads', [anEvent()], { expectedRevision: 'no_stream' });
    const refs = jest.spyOn(Worker.prototype, 'ref');
    try {
      await store.close();
      // The append thread and the checkpoint thread both hold the process until they exit.
      expect(refs.mock.calls.length).toBeGreaterThanOrEqual(2);
    } finally {
      refs.mockRestore();
    }
  });

  it('rejects appends with StoreUnavailableError when the thread cannot open the file', async () => {
    const thread = AppendThread.start({ file: join(dir, 'missing', 'events.db'), busyTimeoutMs: 100, maxBatchEvents: 5000, walAutocheckpointPages: 10_000 });
    try {
      const error = await thread.commit([{ streamName: 'wallet-x', expectedRevision: 'any', events: [] }]).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StoreUnavailableError);
      expect((error as Error).message).toMatch(/opening .*events\.db for appends failed/);
    } finally {
      await thread.close();
    }
  });

  it('settles the batch in flight and refuses later ones when the thread dies', async () => {
    const file = freshFile();
    await SqliteEventStore.open({ file }).close();
    const thread = AppendThread.start({ file, busyTimeoutMs: 100, maxBatchEvents: 5000, walAutocheckpointPages: 10_000 });
    const worker = (thread as unknown as { worker: Worker }).worker;
    const inFlight = thread
      .commit([{ streamName: 'wallet-dying', expectedRevision: 'any', events: [serializeEvent(anEvent())] }])
      .then(
        () => 'committed',
        (error: unknown) => (error instanceof StoreUnavailableError ? 'rejected' : `unexpected ${String(error)}`),
      );

    await worker.terminate();

    // Either it committed before the thread died or it was rejected; it never hangs.
    expect(['committed', 'rejected']).toContain(await inFlight);
    await expect(thread.commit([])).rejects.toThrow(/append thread .* stopped/);
  });
});

/** Simulates a disk failure: any insert of this event type aborts the transaction it is in. */
function failInsertsOfType(file: string, type: string): void {
  const raw = new Database(file);
  raw.exec(`CREATE TRIGGER fail_${type} BEFORE INSERT ON events WHEN NEW.type = '${type}'
    BEGIN SELECT RAISE(ABORT, 'simulated disk failure'); END;`);
  raw.close();
}

function anEvent(type = 'CoinsPurchased', data: unknown = { coins: 1 }): EventToAppend {
  const requestId = randomUUID();
  return {
    eventId: randomUUID(),
    type,
    data,
    metadata: {
      correlationId: requestId,
      causationId: requestId,
      actorId: 'user-embedded',
      occurredAt: '2025-01-02T03:04:05.678Z',
      schemaVersion: 1,
    },
  };
}
