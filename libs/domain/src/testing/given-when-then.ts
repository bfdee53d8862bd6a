import { deepStrictEqual, fail, ok, strictEqual } from 'node:assert/strict';
import { fold, type Decider } from '../decider';
import { BusinessRuleViolation, type BusinessRuleCode } from '../errors';

type ErrorClass = abstract new (...args: never[]) => Error;

export type Then<State, Event> = {
  /** Asserts the command appends exactly these events; returns the state after them. */
  then(expected: readonly Event[]): State;
  /** Asserts the command is refused with this business rule (and these details, if given) or error class. */
  thenThrows(expected: BusinessRuleCode | ErrorClass, details?: Record<string, unknown>): Error;
};

/**
 * Specs in given / when / then form over real events:
 * `const given = specFor(walletDecider(catalog)); given([purchased]).when(sendGift).then([giftSent]);`
 * Built on node:assert so it compiles without jest and reads the same in any runner.
 */
export function specFor<State, Command, Event>(decider: Decider<State, Command, Event>) {
  return (history: readonly Event[]) => ({
    when(command: Command): Then<State, Event> {
      const decide = (): { state: State; events: Event[] } => {
        const state = fold(decider, history);
        return { state, events: decider.decide(command, state) };
      };
      return {
        then(expected) {
          const { state, events } = decide();
          deepStrictEqual(events, expected);
          return fold(decider, events, state);
        },
        thenThrows(expected, details) {
          let events: Event[];
          try {
            events = decide().events;
          } catch (error) {
            ok(error instanceof Error, `expected an Error, got ${String(error)}`);
            if (typeof expected === 'string') {
              ok(error instanceof BusinessRuleViolation, `expected ${expected}, got ${error.name}: ${error.message}`);
              strictEqual(error.code, expected);
              if (details) deepStrictEqual(error.details, details);
            } else {
              ok(error instanceof expected, `expected ${expected.name}, got ${error.name}: ${error.message}`);
            }
            return error;
          }
          return fail(`expected ${typeof expected === 'string' ? expected : expected.name}, got events ${JSON.stringify(events)}`);
        },
      };
    },
  });
}
