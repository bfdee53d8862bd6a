// The bench's profile reader is plain JavaScript (bench/ is not compiled); its sums are checked here.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { summarise, placeOf, timeline } = require('../../bench/profile-summary') as {
  summarise: (
    profile: object,
    window?: { from?: number; to?: number },
  ) => { total: number; places: Map<string, number>; functions: Map<string, number>; inclusive: Map<string, number> };
  placeOf: (frame: { url: string; functionName: string }) => string;
  timeline: (profile: object) => number[];
};

const frame = (functionName: string, url = '', lineNumber = 0) => ({ functionName, url, lineNumber, scriptId: '0', columnNumber: 0 });

describe('bench/profile-summary', () => {
  // root → handle (ours) → run (better-sqlite3), and root → (idle); handle also recurses into itself.
  const profile = {
    nodes: [
      { id: 1, callFrame: frame('(root)'), children: [2, 5] },
      { id: 2, callFrame: frame('handle', 'file:///app/dist/libs/event-store/src/store.js', 9), children: [3, 4] },
      { id: 3, callFrame: frame('run', 'file:///app/node_modules/better-sqlite3/lib/methods/transaction.js', 51), children: [] },
      { id: 4, callFrame: frame('handle', 'file:///app/dist/libs/event-store/src/store.js', 9), children: [] },
      { id: 5, callFrame: frame('(idle)'), children: [] },
    ],
    samples: [3, 3, 2, 4, 5],
    timeDeltas: [100, 200, 50, 25, 1000],
  };

  it('adds self time by place and by function', () => {
    const summary = summarise(profile);
    expect(summary.total).toBe(1375);
    expect(summary.places.get('package better-sqlite3')).toBe(300);
    expect(summary.places.get('ours libs/event-store')).toBe(75);
    expect(summary.places.get('(idle)')).toBe(1000);
    expect(summary.functions.get('handle src/store.js:10')).toBe(75);
  });

  it('counts a function once per sample however deep it recurses', () => {
    const summary = summarise(profile);
    expect(summary.inclusive.get('handle src/store.js:10')).toBe(375);
    expect(summary.inclusive.get('(root)')).toBe(1375);
  });

  it('counts only the samples inside a window of seconds after the start', () => {
    // Samples end at 0.5, 1.5, 2.5 and 3.5 s: run, run, handle, (idle).
    const slow = { ...profile, samples: [3, 3, 2, 5], timeDeltas: [500_000, 1_000_000, 1_000_000, 1_000_000] };
    const window = summarise(slow, { from: 1, to: 3 });
    expect(window.total).toBe(2_000_000);
    expect(window.places.get('package better-sqlite3')).toBe(1_000_000);
    expect(window.places.get('ours libs/event-store')).toBe(1_000_000);
    expect(window.places.get('(idle)')).toBeUndefined();
    expect(timeline(slow)).toEqual([100, 100, 100, 0]);
  });

  it('names scoped packages, Node internals and native frames', () => {
    expect(placeOf({ url: 'file:///x/node_modules/@nestjs/core/router/a.js', functionName: 'f' })).toBe('package @nestjs/core');
    expect(placeOf({ url: 'node:internal/crypto/hash', functionName: 'Hash' })).toBe('node internal/crypto');
    expect(placeOf({ url: '', functionName: 'writev' })).toBe('native writev');
  });
});
