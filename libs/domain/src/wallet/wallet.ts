import type { WalletEvent } from '../events';
import { PaymentIds } from './payment-ids';

/** A user's coins, folded from the `wallet-{userId}` stream. Never mutated: evolve returns a new one. */
export type WalletState = {
  readonly balance: number;
  readonly coinsPurchased: number;
  readonly coinsSpent: number;
  /** Payments already credited, so a provider's retried webhook credits nothing twice. */
  readonly paymentIds: PaymentIds;
};

export function initialWalletState(): WalletState {
  return { balance: 0, coinsPurchased: 0, coinsSpent: 0, paymentIds: PaymentIds.empty() };
}

/** Applies a recorded fact; facts are never refused here (decideWallet is where rules live). */
export function evolveWallet(state: WalletState, event: WalletEvent): WalletState {
  switch (event.type) {
    case 'CoinsPurchased':
      return {
        balance: state.balance + event.data.coins,
        coinsPurchased: state.coinsPurchased + event.data.coins,
        coinsSpent: state.coinsSpent,
        paymentIds: state.paymentIds.with(event.data.paymentId),
      };
    case 'GiftSent':
    case 'ItemPurchased':
      return {
        ...state,
        balance: state.balance - event.data.coinsSpent,
        coinsSpent: state.coinsSpent + event.data.coinsSpent,
      };
    default:
      return unknownEvent(event, state);
  }
}

// Exhaustiveness: a new wallet event type fails to compile until evolve handles it.
function unknownEvent(_event: never, state: WalletState): WalletState {
  return state;
}
