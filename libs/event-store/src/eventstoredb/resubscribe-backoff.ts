/** Bounded exponential back-off between resubscriptions: 100 ms, 200 ms, ... capped at 5 s. */
export const RESUBSCRIBE_BASE_MS = 100;
export const RESUBSCRIBE_CAP_MS = 5_000;

/** Delay before the attempt-th resubscription (1-based). */
export function resubscribeDelayMs(attempt: number): number {
  if (!Number.isInteger(attempt) || attempt < 1) throw new RangeError(`attempt ${attempt} is not a positive integer`);
  // Capping the exponent first keeps 2 ** n finite however long the outage lasts.
  const exponent = Math.min(attempt - 1, 16);
  return Math.min(RESUBSCRIBE_CAP_MS, RESUBSCRIBE_BASE_MS * 2 ** exponent);
}
