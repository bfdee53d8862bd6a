import type { Catalog } from '../catalog/catalog';
import type { PaymentCommand, RecordPayment } from '../commands';
import { reject } from '../errors';
import type { PaymentEvent, PaymentReceived } from '../events';
import { paidPackage } from './paid-package';
import type { PaymentState } from './payment';

/**
 * The rules of a payment: it is recorded once, for one wallet, at the catalog price. A payment
 * already recorded for this wallet decides nothing (the provider retried: the wallet's credit
 * follows, idempotently); one recorded for another wallet is refused.
 */
export function decidePayment(command: PaymentCommand, state: PaymentState, catalog: Catalog): PaymentEvent[] {
  switch (command.type) {
    case 'RecordPayment':
      return recordPayment(command, state, catalog);
    default:
      return unknownCommand(command.type);
  }
}

function recordPayment({ data }: RecordPayment, state: PaymentState, catalog: Catalog): PaymentReceived[] {
  if (state.received) {
    if (state.received.userId === data.userId) return [];
    return reject('PAYMENT_ALREADY_CREDITED', `Payment ${data.paymentId} has already credited another wallet.`, { paymentId: data.paymentId });
  }
  const pkg = paidPackage(catalog, data);
  return [
    {
      type: 'PaymentReceived',
      data: {
        paymentId: data.paymentId,
        userId: data.userId,
        packageId: pkg.packageId,
        region: pkg.region,
        channel: pkg.channel,
        amount: pkg.price,
        receivedAt: data.now,
      },
    },
  ];
}

function unknownCommand(type: never): never {
  throw new TypeError(`Unknown payment command ${String(type)}`);
}
