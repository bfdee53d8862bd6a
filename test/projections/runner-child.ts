// A projector process for the crash tests: runs every projection over <dataDir>/events.db into
// <dataDir>/read-models.db, reports each committed batch to the parent, and exits when caught up.
import { join } from 'node:path';
import { SqliteEventStore } from '../../libs/event-store/src/embedded/sqlite-event-store';
import { SqliteReadStore } from '../../libs/read-models/src/embedded/sqlite-read-store';
import { allProjections } from '../../libs/read-models/src/projections';
import { ProjectionRunner } from '../../libs/read-models/src/projector/projection-runner';

async function main(): Promise<void> {
  const dataDir = process.argv[2];
  if (!dataDir) throw new Error('usage: runner-child.ts <dataDir>');
  const eventStore = SqliteEventStore.open({ file: join(dataDir, 'events.db'), pollIntervalMs: 20 });
  const readStore = SqliteReadStore.open({ file: join(dataDir, 'read-models.db') });
  const logger = {
    info: () => undefined,
    warn: (obj: object, msg?: string) => process.stderr.write(`warn ${msg} ${JSON.stringify(obj)}\n`),
    error: (obj: object, msg?: string) => process.stderr.write(`error ${msg} ${JSON.stringify(obj)}\n`),
  };
  const runner = new ProjectionRunner({ eventStore, readStore, projections: allProjections, logger, batchSize: Number(process.env.BATCH_SIZE ?? 10) });
  runner.committed$.subscribe((batch) => process.send?.({ kind: 'batch', projection: batch.projection, position: batch.position.toString() }));
  await runner.start();
  const head = await eventStore.headPosition();
  if (!(await runner.waitForPosition(head, 120_000))) throw new Error('did not catch up');
  await runner.stop();
  await readStore.close();
  await eventStore.close();
  process.send?.({ kind: 'done', head: head.toString() }, () => process.exit(0));
}

main().catch((error: unknown) => {
  process.stderr.write(`runner-child failed: ${String((error as Error).stack ?? error)}\n`);
  process.exit(1);
});
