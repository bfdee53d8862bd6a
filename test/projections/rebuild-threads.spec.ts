import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteEventStore } from '../../libs/event-store/src/embedded/sqlite-event-store';
import { SqliteReadStore } from '../../libs/read-models/src/embedded/sqlite-read-store';
import { allProjections } from '../../libs/read-models/src/projections';
import { ProjectionRunner, type RebuildProgress } from '../../libs/read-models/src/projector/projection-runner';
import { rebuildOnThreads, REBUILD_THREAD_GROUPS } from '../../libs/runtime/src/rebuild-threads';
import { appendSeeded, seededEconomy, topUp } from './support/seeded-events';
import { dumpReadModels, memoryLogger } from './support/read-models-dump';

describe('rebuildOnThreads (the embedded read models rebuilt on worker threads)', () => {
  let dir: string;
  let eventsFile: string;
  let readModelsFile: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'coinstream-rebuild-threads-'));
    eventsFile = join(dir, 'events.db');
    readModelsFile = join(dir, 'read-models.db');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('splits the default groups so that no event type is read by two threads', () => {
    const typesOf = (group: (typeof REBUILD_THREAD_GROUPS)[number]) =>
      allProjections.filter((p) => group.projections.includes(p.name)).flatMap((p) => p.eventTypes ?? ['(every type)']);
    const perThread = REBUILD_THREAD_GROUPS.map((group) => new Set(typesOf(group)));
    const readTwice = perThread.flatMap((types, i) => perThread.slice(i + 1).flatMap((other) => [...types].filter((type) => other.has(type))));
    expect(readTwice).toEqual([]);
    expect(perThread.every((types) => types.size > 0)).toBe(true);
  });

  /** Seeds the log, projects it live into generation 1 and returns its documents and head. */
  async function projectedLive(seed: number, steps: number) {
    const eventStore = SqliteEventStore.open({ file: eventsFile, pollIntervalMs: 20 });
    const readStore = SqliteReadStore.open({ file: readModelsFile });
    try {
      await appendSeeded(eventStore, seededEconomy(seed, steps));
      // The log ends with an event one of the threads does not read.
      await eventStore.appendToStream('wallet-last', [topUp('last', 100, 'ffffffff-0000-4000-8000-00000000000a')], { expectedRevision: 'no_stream' });
      const head = await eventStore.headPosition();
      const runner = new ProjectionRunner({ eventStore, readStore, projections: allProjections, logger: memoryLogger() });
      await runner.start();
      expect(await runner.waitForPosition(head, 20_000)).toBe(true);
      await runner.stop();
      return { head, documents: await dumpReadModels(readStore, allProjections) };
    } finally {
      await eventStore.close();
      await readStore.close();
    }
  }

  async function readModelsNow() {
    const readStore = SqliteReadStore.open({ file: readModelsFile });
    try {
      await readStore.init(allProjections);
      const generations = await Promise.all(allProjections.map(async (p) => [p.name, await readStore.activeGeneration(p.name)] as const));
      return { generations: Object.fromEntries(generations), documents: await dumpReadModels(readStore, allProjections) };
    } finally {
      await readStore.close();
    }
  }

  it.each([
    ['the default groups', REBUILD_THREAD_GROUPS],
    ['other groups, each holding few documents', [{ projections: ['creatorEarnings', 'wallets'], heldDocs: 40 }, { projections: ['analytics', 'creatorAnalytics'], heldDocs: 40 }]],
  ])('leaves the documents a live projector left, every projection switched at the head, with %s', async (_, groups) => {
    const { head, documents } = await projectedLive(11, 800);
    const progress: RebuildProgress[] = [];

    const results = await rebuildOnThreads({ eventsFile, readModelsFile, logLevel: 'silent', groups, onProgress: (p) => progress.push(p) });

    expect(results).toEqual(allProjections.map((p) => ({ projection: p.name, generation: 2, checkpoint: head })));
    const now = await readModelsNow();
    expect(now.generations).toEqual(Object.fromEntries(allProjections.map((p) => [p.name, 2])));
    expect(now.documents).toEqual(documents);
    for (const projection of allProjections) {
      const positions = progress.filter((p) => p.projection === projection.name).map((p) => p.position);
      expect(positions.length).toBeGreaterThan(0);
      expect(positions.every((position, i) => i === 0 || position >= positions[i - 1]!)).toBe(true);
    }
  });

  it('fails with the failing thread named and why, and that thread’s projections keep their generation', async () => {
    await projectedLive(12, 200);
    // A wallet event whose data is not JSON: only the thread of wallets and analytics reads it.
    const db = new Database(eventsFile);
    db.prepare("UPDATE events SET data = '{not json' WHERE position = (SELECT MAX(position) FROM events WHERE type = 'CoinsPurchased')").run();
    db.close();

    const failure = rebuildOnThreads({ eventsFile, readModelsFile, logLevel: 'silent' });

    await expect(failure).rejects.toThrow(/^the rebuild thread of wallets and analytics failed: .*JSON/);
    const now = await readModelsNow();
    expect(now.generations.wallets).toBe(1);
    expect(now.generations.analytics).toBe(1);
  });

  it('refuses groups that leave a projection out or name one twice, before starting a thread', async () => {
    await expect(rebuildOnThreads({ eventsFile, readModelsFile, logLevel: 'silent', groups: [{ projections: ['wallets', 'analytics'], heldDocs: 10 }] })).rejects.toThrow(
      /missing: creatorEarnings/,
    );
    await expect(
      rebuildOnThreads({
        eventsFile,
        readModelsFile,
        logLevel: 'silent',
        groups: [
          { projections: ['wallets', 'analytics'], heldDocs: 10 },
          { projections: ['creatorEarnings', 'wallets'], heldDocs: 10 },
        ],
      }),
    ).rejects.toThrow(/twice: wallets/);
  });
});
