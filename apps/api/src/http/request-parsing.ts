import type { FastifyRequest } from 'fastify';
import { validationFailed } from './validation';

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

/** `Idempotency-Key`: 1–255 visible ASCII characters; required for money-moving commands. */
export function idempotencyKeyOf(request: FastifyRequest, required: boolean): string | undefined {
  const raw = request.headers['idempotency-key'];
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (value === undefined || value === '') {
    if (required) throw validationFailed([{ field: 'Idempotency-Key', problems: ['the Idempotency-Key header is required'] }]);
    return undefined;
  }
  if (!IDEMPOTENCY_KEY.test(value)) {
    throw validationFailed([{ field: 'Idempotency-Key', problems: ['must be 1 to 255 visible ASCII characters'] }]);
  }
  return value;
}

/** A non-negative integer query parameter (positions, revisions) as an exact bigint. */
export function positionParam(name: string, raw: string | undefined): bigint | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (!/^\d{1,19}$/.test(raw) || BigInt(raw) > 9_223_372_036_854_775_807n) {
    throw validationFailed([{ field: name, problems: [`${name} must be a non-negative integer`] }]);
  }
  return BigInt(raw);
}

export function limitParam(raw: string | undefined, fallback = 50, max = 500): number {
  if (raw === undefined || raw === '') return fallback;
  const value = /^\d{1,4}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw validationFailed([{ field: 'limit', problems: [`limit must be an integer from 1 to ${max}`] }]);
  }
  return value;
}

export function instantParam(name: string, raw: string | undefined, required: boolean): Date | undefined {
  if (raw === undefined || raw === '') {
    if (required) throw validationFailed([{ field: name, problems: [`${name} is required (ISO 8601)`] }]);
    return undefined;
  }
  const date = new Date(raw);
  if (!/^\d{4}-\d{2}-\d{2}/.test(raw) || Number.isNaN(date.getTime())) {
    throw validationFailed([{ field: name, problems: [`${name} must be an ISO 8601 date or date-time`] }]);
  }
  return date;
}

export function oneOfParam<T extends string>(name: string, raw: string | undefined, allowed: readonly T[], fallback?: T): T {
  if ((raw === undefined || raw === '') && fallback !== undefined) return fallback;
  if (raw === undefined || !(allowed as readonly string[]).includes(raw)) {
    throw validationFailed([{ field: name, problems: [`${name} must be one of ${allowed.join(', ')}`] }]);
  }
  return raw as T;
}

export type Cursor = readonly (string | number | boolean | null)[];

/** Opaque cursors: the keyset of the last item, base64url JSON. */
export function encodeCursor(values: Cursor): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

export function decodeCursor(raw: string | undefined, arity: number): Cursor | undefined {
  if (raw === undefined || raw === '') return undefined;
  try {
    const values: unknown = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
    if (Array.isArray(values) && values.length === arity && values.every((v) => v === null || ['string', 'number', 'boolean'].includes(typeof v))) {
      return values as Cursor;
    }
  } catch {
    // falls through to the validation error
  }
  throw validationFailed([{ field: 'cursor', problems: ['cursor is not one this API returned'] }]);
}

/** A cursor holding one position or revision (audit listings). */
export function positionCursor(raw: string | undefined): bigint | undefined {
  const values = decodeCursor(raw, 1);
  if (values === undefined) return undefined;
  const value = values[0];
  if (typeof value !== 'string' || !/^\d{1,19}$/.test(value)) {
    throw validationFailed([{ field: 'cursor', problems: ['cursor is not one this API returned'] }]);
  }
  return BigInt(value);
}
