import type { PaymentEvent, PaymentReceived } from '../events';

/** A payment, folded from the `payment-{paymentId}` stream: received once, or not yet. */
export type PaymentState = {
  readonly received: PaymentReceived['data'] | null;
};

export function initialPaymentState(): PaymentState {
  return { received: null };
}

/** Applies a recorded fact (PaymentReceived is the only one); the rules live in decidePayment. */
export function evolvePayment(state: PaymentState, event: PaymentEvent): PaymentState {
  return { received: state.received ?? event.data };
}
