import type { Catalog } from './catalog/catalog';
import type { CreatorCommand, PaymentCommand, WalletCommand } from './commands';
import { decideCreator } from './creator/creator.decide';
import { evolveCreator, initialCreatorState, type CreatorState } from './creator/creator';
import type { CreatorEvent, PaymentEvent, WalletEvent } from './events';
import { decidePayment } from './payment/payment.decide';
import { evolvePayment, initialPaymentState, type PaymentState } from './payment/payment';
import { decideWallet } from './wallet/wallet.decide';
import { evolveWallet, initialWalletState, type WalletState } from './wallet/wallet';

/** A stream's rules as three pure functions: state is the fold of evolve over its events. */
export type Decider<State, Command, Event> = {
  readonly decide: (command: Command, state: State) => Event[];
  readonly evolve: (state: State, event: Event) => State;
  readonly initialState: () => State;
};

/** Folds events into a state, as loading a stream does. */
export function fold<State, Command, Event>(decider: Decider<State, Command, Event>, events: Iterable<Event>, from?: State): State {
  let state = from ?? decider.initialState();
  for (const event of events) state = decider.evolve(state, event);
  return state;
}

export function walletDecider(catalog: Catalog): Decider<WalletState, WalletCommand, WalletEvent> {
  return {
    decide: (command, state) => decideWallet(command, state, catalog),
    evolve: evolveWallet,
    initialState: initialWalletState,
  };
}

export function creatorDecider(catalog: Catalog): Decider<CreatorState, CreatorCommand, CreatorEvent> {
  return {
    decide: (command, state) => decideCreator(command, state, catalog),
    evolve: evolveCreator,
    initialState: initialCreatorState,
  };
}

export function paymentDecider(catalog: Catalog): Decider<PaymentState, PaymentCommand, PaymentEvent> {
  return {
    decide: (command, state) => decidePayment(command, state, catalog),
    evolve: evolvePayment,
    initialState: initialPaymentState,
  };
}
