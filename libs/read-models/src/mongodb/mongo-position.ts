import { Long } from 'mongodb';

/**
 * Checkpoint positions are 64-bit: stored as BSON int64 (Long), never as a double, which would
 * round anything beyond 2^53 and silently re-apply or skip events.
 */
const MAX_INT64 = (1n << 63n) - 1n;

export function positionToLong(position: bigint): Long {
  // BSON int64 is signed: a position outside it cannot be stored exactly, so refuse it loudly.
  if (position < 0n || position > MAX_INT64) {
    throw new RangeError(`position ${position} does not fit a BSON int64`);
  }
  return Long.fromBigInt(position);
}

/** Reads back a stored position whatever the driver's deserialization settings produced. */
export function positionFromStored(stored: unknown): bigint {
  if (Long.isLong(stored)) return stored.toBigInt();
  if (typeof stored === 'bigint') return stored;
  // An int32/double can only come from a hand-written document; accept it only when exact.
  if (typeof stored === 'number' && Number.isSafeInteger(stored) && stored >= 0) return BigInt(stored);
  throw new TypeError(`stored checkpoint position is not an exact integer: ${String(stored)}`);
}
