import { PaymentIds } from './payment-ids';

describe('PaymentIds', () => {
  it('remembers what was added and nothing else', () => {
    const ids = PaymentIds.empty().with('a').with('b');
    expect(ids.has('a')).toBe(true);
    expect(ids.has('b')).toBe(true);
    expect(ids.has('c')).toBe(false);
    expect(ids.size).toBe(2);
    expect([...ids]).toEqual(['a', 'b']);
  });

  it('adding a known id returns the same set', () => {
    const ids = PaymentIds.empty().with('a');
    expect(ids.with('a')).toBe(ids);
  });

  it('older states do not see what newer states added', () => {
    const older = PaymentIds.empty().with('a');
    const newer = older.with('b');
    expect(older.has('b')).toBe(false);
    expect(older.size).toBe(1);
    expect([...older]).toEqual(['a']);
    expect(newer.has('b')).toBe(true);
  });

  it('branching from an older state leaves both branches intact', () => {
    const root = PaymentIds.empty().with('a');
    const left = root.with('b');
    const right = root.with('c');
    expect([...left]).toEqual(['a', 'b']);
    expect([...right]).toEqual(['a', 'c']);
    expect(left.has('c')).toBe(false);
    expect(right.has('b')).toBe(false);
    expect([...left.with('d')]).toEqual(['a', 'b', 'd']);
    expect([...right.with('b')]).toEqual(['a', 'c', 'b']);
    expect([...root]).toEqual(['a']);
  });
});
