import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { SqliteEventStore } from '../../libs/event-store/src/embedded/sqlite-event-store';
import { SqliteReadStore } from '../../libs/read-models/src/embedded/sqlite-read-store';
import { allProjections } from '../../libs/read-models/src/projections';
import { withParkedEvents } from '../../libs/read-models/src/projector/parked-events';
import { ProjectionRunner } from '../../libs/read-models/src/projector/projection-runner';
import { dumpReadModels, memoryLogger } from './support/read-models-dump';
import { appendSeeded, seededEconomy } from './support/seeded-events';

const root = resolve(__dirname, '../..');

type ChildMessage = { kind: 'batch'; projection: string; position: string } | { kind: 'done'; head: string };

function startChild(dataDir: string): { child: ChildProcess; exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }> } {
  const child = fork(join(__dirname, 'runner-child.ts'), [dataDir], {
    cwd: root,
    execArgv: ['-r', join(root, 'test/support/swc-register.js')],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => child.on('exit', (code, signal) => done({ code, signal })));
  return { child, exited };
}

describe('projections survive a SIGKILL of the projector', () => {
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'coinstream-crash-'));
    const eventStore = SqliteEventStore.open({ file: join(dir, 'events.db') });
    await appendSeeded(eventStore, seededEconomy(20240611, 3000));
    await eventStore.close();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('resumes from its checkpoints and ends equal to a clean replay', async () => {
    const eventStore = SqliteEventStore.open({ file: join(dir, 'events.db') });
    const head = await eventStore.headPosition();
    expect(head).toBeGreaterThan(3000n);

    // First run: killed without warning once a third of the log is applied.
    const first = startChild(dir);
    first.child.on('message', (message: ChildMessage) => {
      if (message.kind === 'batch' && BigInt(message.position) * 3n > head) first.child.kill('SIGKILL');
    });
    expect((await first.exited).signal).toBe('SIGKILL');

    const midway = SqliteReadStore.open({ file: join(dir, 'read-models.db') });
    await midway.init(allProjections.map(withParkedEvents));
    const checkpoints = await Promise.all(allProjections.map((p) => midway.checkpoint(p.name)));
    await midway.close();
    // The kill landed mid-way: some progress is durable, and the end was not reached.
    expect(checkpoints.some((c) => c !== null && c > 0n)).toBe(true);
    expect(checkpoints.some((c) => c === null || c < head)).toBe(true);

    // Second run: resumes and finishes.
    const second = startChild(dir);
    const done = new Promise<ChildMessage>((ok) => second.child.on('message', (m: ChildMessage) => m.kind === 'done' && ok(m)));
    expect(await done).toEqual({ kind: 'done', head: head.toString() });
    expect((await second.exited).code).toBe(0);

    const resumed = SqliteReadStore.open({ file: join(dir, 'read-models.db') });
    const clean = SqliteReadStore.open({ file: join(dir, 'clean-replay.db') });
    const runner = new ProjectionRunner({ eventStore, readStore: clean, projections: allProjections, logger: memoryLogger() });
    await runner.start();
    expect(await runner.waitForPosition(head, 60_000)).toBe(true);
    await runner.stop();
    await resumed.init(allProjections.map(withParkedEvents));

    const definitions = allProjections.map(withParkedEvents);
    const expected = await dumpReadModels(clean, definitions);
    expect(expected.wallets!.length).toBeGreaterThan(10);
    expect(await dumpReadModels(resumed, definitions)).toEqual(expected);
    for (const projection of allProjections) expect(await resumed.checkpoint(projection.name)).toBe(head);

    await Promise.all([resumed.close(), clean.close(), eventStore.close()]);
  }, 120_000);
});
