import { isoNow } from './iso-clock';

describe('isoNow', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it('is the current millisecond in toISOString form, made again when the clock moves on', () => {
    jest.useFakeTimers({ now: Date.parse('2026-12-03T10:00:00.000Z') });
    expect(isoNow()).toBe('2026-12-03T10:00:00.000Z');
    expect(isoNow()).toBe('2026-12-03T10:00:00.000Z');
    jest.advanceTimersByTime(1);
    expect(isoNow()).toBe('2026-12-03T10:00:00.001Z');
    jest.setSystemTime(Date.parse('2027-01-01T00:00:00.000Z'));
    expect(isoNow()).toBe('2027-01-01T00:00:00.000Z');
  });

  it('follows the real clock', () => {
    const before = Date.now();
    const now = Date.parse(isoNow());
    expect(now).toBeGreaterThanOrEqual(before);
    expect(now).toBeLessThanOrEqual(Date.now());
  });
});
