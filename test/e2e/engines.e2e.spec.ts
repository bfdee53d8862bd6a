/**
 * The end-to-end suites run on whatever storage the environment names: the embedded default, or
 * EventStoreDB + MongoDB when both EVENTSTORE_URL and MONGODB_URL are set (see economy-harness.ts).
 * This file says which, so a run on the embedded default never passes for an engine run.
 */
const external = Boolean(process.env.EVENTSTORE_URL && process.env.MONGODB_URL);
const how = 'set EVENTSTORE_URL and MONGODB_URL (docker compose --profile dev up) to run them on EventStoreDB and MongoDB';

if (!external) {
  console.warn(`End-to-end suites on EventStoreDB + MongoDB skipped: they ran on the embedded storage; ${how}.`);
}

(external ? describe : describe.skip)(`end-to-end suites on EventStoreDB + MongoDB (skipped unless ${how})`, () => {
  it('run against the engines named by EVENTSTORE_URL and MONGODB_URL', () => {
    expect(process.env.EVENTSTORE_URL).toMatch(/^esdb/);
    expect(process.env.MONGODB_URL).toMatch(/^mongodb/);
  });
});
