/**
 * Guards for the integer arithmetic of coins, diamonds and money. A failure here is a programmer
 * error (the edge validates input), hence RangeError rather than a business rule.
 */
export function requirePositiveInteger(value: number, what: string): number {
  if (!Number.isSafeInteger(value) || value <= 0) throw new RangeError(`${what} must be a positive safe integer, got ${value}`);
  return value;
}

/** a × b, refusing any result a double cannot hold exactly. */
export function multiplyExactly(a: number, b: number, what: string): number {
  const product = a * b;
  if (!Number.isSafeInteger(product)) throw new RangeError(`${what} (${a} × ${b}) is beyond the safe integer range`);
  return product;
}

export function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}
