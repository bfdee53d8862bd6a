import { BSON, Long } from 'mongodb';
import { positionFromStored, positionToLong } from './mongo-position';

describe('checkpoint positions as BSON int64', () => {
  const beyondDouble = 2n ** 53n + 1n; // the first integer a double cannot hold

  it.each([0n, 1n, beyondDouble, 2n ** 62n + 12345n, 2n ** 63n - 1n])('stores %p exactly through BSON', (position) => {
    const bytes = BSON.serialize({ position: positionToLong(position) });
    const stored = BSON.deserialize(bytes, { promoteLongs: false }).position;
    expect(Long.isLong(stored)).toBe(true);
    expect(positionFromStored(stored)).toBe(position);
    expect(positionFromStored(BSON.deserialize(bytes, { useBigInt64: true }).position)).toBe(position);
  });

  it('tells 2^53 and 2^53 + 1 apart, which a double would not', () => {
    expect(Number(beyondDouble)).toBe(Number(beyondDouble - 1n));
    expect(positionToLong(beyondDouble).equals(positionToLong(beyondDouble - 1n))).toBe(false);
  });

  it('refuses positions outside a signed int64', () => {
    expect(() => positionToLong(2n ** 63n)).toThrow(RangeError);
    expect(() => positionToLong(-1n)).toThrow(RangeError);
  });

  it('accepts a stored number only when it is an exact non-negative integer', () => {
    expect(positionFromStored(42)).toBe(42n);
    expect(() => positionFromStored(2 ** 53)).toThrow(TypeError);
    expect(() => positionFromStored(1.5)).toThrow(TypeError);
    expect(() => positionFromStored('7')).toThrow(TypeError);
  });
});
