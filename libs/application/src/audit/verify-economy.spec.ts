import { randomUUID } from 'node:crypto';
import type { EventToAppend } from '../../../event-store/src/event-store.port';
import { SqliteEventStore } from '../../../event-store/src/embedded/sqlite-event-store';
import { SqliteReadStore } from '../../../read-models/src/embedded/sqlite-read-store';
import { coinsPurchased, giftSent, paymentReceived } from '../../../domain/src/testing/fixtures';
import type { CoinstreamEvent } from '../../../domain/src';
import { verifyEconomy } from './verify-economy';

function recorded(event: CoinstreamEvent): EventToAppend {
  const id = randomUUID();
  return { eventId: id, type: event.type, data: event.data, metadata: { correlationId: id, causationId: id, actorId: 'test', occurredAt: '2025-01-15T12:00:00.000Z', schemaVersion: 1 } };
}

/** verify over a log of these appends, with no read model to compare. */
async function verifyLog(appends: Array<[stream: string, event: CoinstreamEvent]>) {
  const eventStore = SqliteEventStore.open({ file: ':memory:' });
  const readStore = SqliteReadStore.open({ file: ':memory:' });
  const scratchStore = SqliteReadStore.open({ file: ':memory:' });
  try {
    for (const [stream, event] of appends) await eventStore.appendToStream(stream, [recorded(event)], { expectedRevision: 'any' });
    return await verifyEconomy({ eventStore, readStore, projections: [], scratchStore });
  } finally {
    await Promise.all([eventStore.close(), readStore.close(), scratchStore.close()]);
  }
}

describe('verifyEconomy: payments', () => {
  it('accepts a payment received and credited to its wallet once', async () => {
    const report = await verifyLog([
      ['payment-pay-1', paymentReceived({ paymentId: 'pay-1', userId: 'alice' })],
      ['wallet-alice', coinsPurchased(70, { paymentId: 'pay-1', userId: 'alice' })],
      ['wallet-alice', giftSent({ coinsSpent: 5 })],
    ]);
    expect(report).toMatchObject({ ok: true, violations: [], paymentsAwaitingCredit: 0, coinsSold: 70, coinsSpent: 5, giftsSent: 1, giftsAwaitingCredit: 1 });
  });

  it('reports a payment credited in two wallets, and in the one it was not received for', async () => {
    const report = await verifyLog([
      ['payment-pay-2', paymentReceived({ paymentId: 'pay-2', userId: 'alice' })],
      ['wallet-alice', coinsPurchased(70, { paymentId: 'pay-2', userId: 'alice' })],
      ['wallet-mallory', coinsPurchased(70, { paymentId: 'pay-2', userId: 'mallory' })],
    ]);
    expect(report.ok).toBe(false);
    expect(report.violations.map((v) => [v.rule, v.subject])).toEqual([
      ['a payment credits the wallet it was received for', 'payment-pay-2'],
      ['one payment credits once', 'payment-pay-2'],
    ]);
  });

  it('counts a payment recorded but not credited yet as awaiting its credit, not as a violation', async () => {
    const report = await verifyLog([['payment-pay-3', paymentReceived({ paymentId: 'pay-3', userId: 'bob' })]]);
    expect(report).toMatchObject({ ok: true, paymentsAwaitingCredit: 1, coinsSold: 0 });
  });
});
