import type { CreatorEvent } from '../events';

/** A creator's diamonds, folded from the `creator-{creatorId}` stream. Never mutated. */
export type CreatorState = {
  readonly registered: boolean;
  readonly diamondsEarned: number;
  readonly diamondsConverted: number;
  /** diamondsEarned − diamondsConverted; kept so rules read it directly. */
  readonly diamondsAvailable: number;
  /** Minor units paid out, per currency (the rate may name another currency one day). */
  readonly payouts: Readonly<Record<string, number>>;
  /**
   * Global position of the last GiftSent credited. The reactor credits gifts in global order,
   * so a credit at or below it is a redelivery: this is what makes crediting exactly-once.
   */
  readonly lastCreditedGiftPosition: bigint | null;
};

export function initialCreatorState(): CreatorState {
  return {
    registered: false,
    diamondsEarned: 0,
    diamondsConverted: 0,
    diamondsAvailable: 0,
    payouts: {},
    lastCreditedGiftPosition: null,
  };
}

/** Applies a recorded fact; the rules live in decideCreator. */
export function evolveCreator(state: CreatorState, event: CreatorEvent): CreatorState {
  switch (event.type) {
    case 'CreatorRegistered':
      return { ...state, registered: true };
    case 'DiamondsCredited': {
      const position = BigInt(event.data.giftPosition);
      const last = state.lastCreditedGiftPosition;
      return {
        ...state,
        diamondsEarned: state.diamondsEarned + event.data.diamonds,
        diamondsAvailable: state.diamondsAvailable + event.data.diamonds,
        // Never move the high-water mark back, so no earlier gift can be credited twice.
        lastCreditedGiftPosition: last !== null && last > position ? last : position,
      };
    }
    case 'DiamondsConverted': {
      const { diamonds, payout } = event.data;
      return {
        ...state,
        diamondsConverted: state.diamondsConverted + diamonds,
        diamondsAvailable: state.diamondsAvailable - diamonds,
        payouts: { ...state.payouts, [payout.currency]: (state.payouts[payout.currency] ?? 0) + payout.value },
      };
    }
    default:
      return unknownEvent(event, state);
  }
}

// Exhaustiveness: a new creator event type fails to compile until evolve handles it.
function unknownEvent(_event: never, state: CreatorState): CreatorState {
  return state;
}
