import { EventStoreDbEventStore } from '../../libs/event-store/src/eventstoredb/eventstoredb-event-store';
import { eventStoreContract } from './event-store.contract';

// No EventStoreDB can run on every machine, so the suite runs only when EVENTSTORE_URL names a
// server (the contract uses fresh streams and never assumes $all is empty), and says how otherwise.
const url = process.env.EVENTSTORE_URL;

if (url) {
  eventStoreContract('EventStoreDB', async () => {
    const store = await EventStoreDbEventStore.connect(url);
    return { store, close: () => store.close() };
  });
} else {
  describe.skip('EventStore contract: EventStoreDB (skipped: set EVENTSTORE_URL=esdb://localhost:2113?tls=false to run it)', () => {
    it('runs against the EventStoreDB server named by EVENTSTORE_URL', () => {
      expect(url).toBeDefined();
    });
  });
}
