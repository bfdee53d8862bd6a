import { defaultCatalog } from '../catalog/catalog';
import { paymentDecider } from '../decider';
import { specFor } from '../testing/given-when-then';
import { paymentReceived, recordPayment } from '../testing/fixtures';

const given = specFor(paymentDecider(defaultCatalog()));

describe('RecordPayment', () => {
  it('records a new payment for its wallet at the catalog price', () => {
    const state = given([]).when(recordPayment()).then([paymentReceived()]);
    expect(state.received).toMatchObject({ paymentId: 'pay-1', userId: 'alice' });
  });

  it('decides nothing for a payment already recorded for the same wallet (a provider retry; the credit follows)', () => {
    given([paymentReceived()]).when(recordPayment({ now: '2025-01-16T00:00:00.000Z' })).then([]);
  });

  it('refuses a payment already recorded for another wallet', () => {
    given([paymentReceived({ userId: 'alice' })])
      .when(recordPayment({ userId: 'mallory' }))
      .thenThrows('PAYMENT_ALREADY_CREDITED', { paymentId: 'pay-1' });
  });

  it('refuses an amount that is not the catalog price, before recording anything', () => {
    given([])
      .when(recordPayment({ amount: { value: 74, currency: 'USD' } }))
      .thenThrows('PRICE_MISMATCH', { expected: { value: 99, currency: 'USD' }, received: { value: 74, currency: 'USD' } });
  });

  it('refuses a package not sold in that region and channel', () => {
    given([]).when(recordPayment({ region: 'FR' })).thenThrows('UNKNOWN_PACKAGE');
  });
});
