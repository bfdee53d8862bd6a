import { utcDay } from './recorded';

/** What utcDay answered before its fast path: the day of the parsed Date, or a RangeError. */
function byDate(iso: string): string | 'RangeError' {
  const time = new Date(iso);
  return Number.isNaN(time.getTime()) ? 'RangeError' : time.toISOString().slice(0, 10);
}

function outcome(iso: string): string | 'RangeError' {
  try {
    return utcDay(iso);
  } catch (error) {
    if (error instanceof RangeError) return 'RangeError';
    throw error;
  }
}

describe('utcDay', () => {
  it('gives the day a parsed Date gives, for times in toISOString form across years 0 to 9999', () => {
    let state = 7;
    const next = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0);
    const max = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
    const min = Date.UTC(1970, 0, 1) - 62_135_596_800_000; // 0001-01-01
    for (let i = 0; i < 5000; i += 1) {
      const iso = new Date(min + ((next() * 4294967296 + next()) % (max - min))).toISOString();
      for (const form of [iso, iso.replace(/\.\d{3}Z$/, 'Z')]) expect(outcome(form)).toBe(byDate(form));
    }
  });

  it.each([
    '2024-02-29T12:00:00.000Z',
    '2023-02-29T12:00:00.000Z',
    '1900-02-29T00:00:00Z',
    '2000-02-29T00:00:00Z',
    '0000-02-29T00:00:00Z',
    '1600-02-29T00:00:00Z',
    '1700-02-29T00:00:00Z',
    '0001-01-01T00:00:00.000Z',
    '2024-04-31T00:00:00Z',
    '2024-13-01T00:00:00Z',
    '2024-00-10T00:00:00Z',
    '2024-01-00T00:00:00Z',
    '2024-01-31T24:00:00Z',
    '2024-01-31T23:59:60Z',
    '2024-01-31T23:30:00+02:00',
    '2024-01-31T23:30:00.1234Z',
    '2024-01-31',
    '+002024-01-31T10:00:00.000Z',
    'not a time',
  ])('agrees with a parsed Date on %s', (iso) => {
    expect(outcome(iso)).toBe(byDate(iso));
  });
});
