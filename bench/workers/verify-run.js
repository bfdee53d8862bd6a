'use strict';
/**
 * After an http_gifts round, on the stopped server's DATA_DIR: the speed must not come from work
 * skipped. Runs the auditor's `verify` (every invariant after every event, every read model against
 * a replay of its projection), whose count of GiftSent events the bench holds against the 201s the
 * load generator received (a 201 for a gift that is not in the log would be a gift acknowledged
 * before it was written).
 */
const { dist, serverEnv, silentLogger } = require('../lib/economy');

const { loadConfig } = dist('libs/runtime/src/config');
const { EconomyRuntime } = dist('libs/runtime/src/economy-runtime');
const { verifyEconomy } = dist('libs/application/src/audit/verify-economy');
const { SqliteReadStore } = dist('libs/read-models/src/embedded/sqlite-read-store');
const { allProjections } = dist('libs/read-models/src/projections');

async function main() {
  const { dataDir } = JSON.parse(process.argv[2]);
  const runtime = await EconomyRuntime.open(loadConfig(serverEnv(dataDir)), silentLogger, { runProjector: false });
  const scratchStore = SqliteReadStore.open({ file: ':memory:' });
  try {
    const report = await verifyEconomy({ eventStore: runtime.eventStore, readStore: runtime.readStore, projections: allProjections, scratchStore });
    console.log(
      JSON.stringify({
        giftsInLog: report.giftsSent,
        giftsCredited: report.giftsSent - report.giftsAwaitingCredit,
        verified: report.ok,
        eventsReplayed: report.eventsReplayed,
        giftsAwaitingCredit: report.giftsAwaitingCredit,
        violations: report.violations.slice(0, 5),
        readModels: report.readModels.map((r) => ({ projection: r.projection, mismatches: r.mismatches })),
      }),
    );
  } finally {
    await scratchStore.close();
    await runtime.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
