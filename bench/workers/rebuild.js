'use strict';
/**
 * Ours: what `npm run cli -- rebuild all` does on the embedded storage (rebuildOnThreads: two
 * worker threads) replaying every event of events.db into all read models of a fresh
 * read-models.db. Reports events/s, peak RSS of this process (its threads included), and that
 * nothing was parked.
 */
const { dist, silentLogger } = require('../lib/economy');

const { SqliteEventStore } = dist('libs/event-store/src/embedded/sqlite-event-store');
const { SqliteReadStore } = dist('libs/read-models/src/embedded/sqlite-read-store');
const { allProjections } = dist('libs/read-models/src/projections');
const { ProjectionRunner } = dist('libs/read-models/src/projector/projection-runner');
const { keepRebuildHeapNearLive } = dist('libs/runtime/src/rebuild-heap');
const { rebuildOnThreads } = dist('libs/runtime/src/rebuild-threads');

async function main() {
  const { eventsFile, readModelsFile } = JSON.parse(process.argv[2]);
  // As the CLI's rebuild does.
  keepRebuildHeapNearLive();
  const eventStore = SqliteEventStore.open({ file: eventsFile });
  const head = await eventStore.headPosition();
  const started = process.hrtime.bigint();
  // Each thread closes its read store before it ends, which checkpoints the WAL into the file:
  // timed too, so work SQLite deferred is not left out.
  const results = await rebuildOnThreads({ eventsFile, readModelsFile, logLevel: 'silent' });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const readStore = SqliteReadStore.open({ file: readModelsFile });
  const status = await new ProjectionRunner({ eventStore, readStore, projections: allProjections, logger: silentLogger }).status();
  await readStore.close();
  const parked = status.reduce((sum, s) => sum + s.parked, 0);
  const behind = results.filter((r) => r.checkpoint !== head);
  if (parked > 0 || behind.length > 0) throw new Error(`rebuild incomplete: parked ${parked}, behind ${JSON.stringify(behind.map((r) => r.projection))}`);
  await eventStore.close();
  console.log(
    JSON.stringify({
      eventsPerSec: Number(head) / seconds,
      events: Number(head),
      seconds,
      projections: results.map((r) => r.projection),
      peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
    }),
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
