import type { EventStore, RecordedEvent } from '../../../event-store/src/event-store.port';
import { PointInTimeReplayer } from './balance-at';

const t0 = Date.parse('2026-11-25T00:00:00Z');
const events: RecordedEvent[] = Array.from({ length: 3_500 }, (_, i) => ({
  streamName: 's',
  revision: BigInt(i),
  position: BigInt(i + 1),
  eventId: `e${i}`,
  type: 'Added',
  data: i + 1,
  metadata: { correlationId: 'c', causationId: 'c', actorId: 'a', occurredAt: '', schemaVersion: 1 },
  recordedAt: new Date(t0 + Math.floor(i / 3) * 1000),
}));

describe('PointInTimeReplayer', () => {
  it('answers every instant exactly as a fold from revision 0 would, with and without remembered folds', async () => {
    let rowsRead = 0;
    const store = {
      readStream: async (_: string, o: { fromRevision?: bigint; maxCount?: number } = {}) => {
        const page = events.slice(Number(o.fromRevision ?? 0n), Number(o.fromRevision ?? 0n) + (o.maxCount ?? events.length));
        rowsRead += page.length;
        return page;
      },
    } as unknown as EventStore;
    const replayer = new PointInTimeReplayer(store);
    const sum = { initialState: () => 0, evolve: (s: number, e: { type: string; data: unknown }) => s + (e.data as number) };
    const naive = (at: number) => events.filter((e) => e.recordedAt.getTime() <= at);

    const instants = [t0 + 1_100_000, t0 - 1, t0 + 400_500, t0 + 5_000_000, t0 + 999_000, t0 + 1_000_000, t0];
    for (const at of instants) {
      const expected = naive(at);
      const result = await replayer.stateAt('s', sum, new Date(at), (e) => ({ type: e.type, data: e.data }));
      expect([at, result.state, result.eventsApplied, result.lastRevision]).toEqual([
        at,
        expected.reduce((s, e) => s + (e.data as number), 0),
        expected.length,
        expected.length === 0 ? null : BigInt(expected.length - 1),
      ]);
    }
    // The first question read the stream up to its instant; the others started from remembered folds.
    rowsRead = 0;
    await replayer.stateAt('s', sum, new Date(t0 + 1_100_000), (e) => ({ type: e.type, data: e.data }));
    expect(rowsRead).toBeLessThanOrEqual(1_000);
  });
});
