import { RESUBSCRIBE_CAP_MS, resubscribeDelayMs } from './resubscribe-backoff';

describe('resubscribe back-off', () => {
  it('doubles from 100 ms', () => {
    expect([1, 2, 3, 4, 5, 6].map(resubscribeDelayMs)).toEqual([100, 200, 400, 800, 1600, 3200]);
  });

  it('is capped at 5 s however long the outage lasts', () => {
    expect(resubscribeDelayMs(7)).toBe(RESUBSCRIBE_CAP_MS);
    expect(resubscribeDelayMs(10_000)).toBe(5_000);
  });

  it('refuses attempts that are not positive integers', () => {
    expect(() => resubscribeDelayMs(0)).toThrow(RangeError);
    expect(() => resubscribeDelayMs(1.5)).toThrow(RangeError);
  });
});
