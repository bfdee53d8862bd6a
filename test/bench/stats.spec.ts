// The bench's summaries are plain JavaScript (bench/ is not compiled); what they report against the goals is checked here.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { medianRatio, roundRatio, summary } = require('../../bench/lib/stats') as {
  medianRatio: (ours: number[], baseline: number[]) => number;
  roundRatio: (n: number) => number;
  summary: (values: number[]) => { median: number; min: number; max: number; rounds: number[] };
};

describe('bench/lib/stats', () => {
  it('reports a ratio just under a goal as under it, not rounded up to it', () => {
    // The nineteenth session's rebuild rounds: 0.468, 0.504 and 0.496 of the raw read.
    const ratio = medianRatio([93_408, 91_393, 93_189], [199_654, 181_318, 187_750]);
    expect(ratio).toBe(0.496);
    expect(ratio).toBeLessThan(0.5);
  });

  it('takes the median of the per-round ratios, each round against its own baseline', () => {
    // Medians of the rates alone would give 20 / 10 = 2; the rounds' own ratios are 1, 3 and 0.5.
    expect(medianRatio([10, 30, 20], [10, 10, 40])).toBe(1);
  });

  it('keeps three decimals below 10, two up to 100 and whole numbers above', () => {
    expect(roundRatio(0.24951)).toBe(0.25);
    expect(roundRatio(0.2494)).toBe(0.249);
    expect(roundRatio(12.944)).toBe(12.94);
    expect(roundRatio(221.4)).toBe(221);
  });

  it('refuses rounds without a baseline round each', () => {
    expect(() => medianRatio([1, 2, 3], [1, 2])).toThrow('3 rounds against 2 baseline rounds');
  });

  it('summarises rates with their median and spread', () => {
    expect(summary([4_409, 4_074, 4_539])).toEqual({ median: 4_409, min: 4_074, max: 4_539, rounds: [4_409, 4_074, 4_539] });
  });
});
