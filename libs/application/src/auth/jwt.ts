import { createHmac, timingSafeEqual } from 'node:crypto';

export const ROLES = ['user', 'creator', 'analyst', 'auditor', 'admin'] as const;
export type Role = (typeof ROLES)[number];
export type Principal = { userId: string; roles: ReadonlySet<Role> };

export const IDENTIFIER_PATTERN = /^[A-Za-z0-9._:@|-]{1,128}$/;

export class InvalidTokenError extends Error {
  override readonly name = 'InvalidTokenError';
}

const b64url = (input: Buffer | string): string => Buffer.from(input).toString('base64url');

/** Mints an HS256 token (tests, the cli's `mint-token`, development). */
export function signJwt(
  claims: { sub: string; roles: readonly Role[]; expiresInSeconds?: number },
  secret: string,
  now: Date = new Date(),
): string {
  const iat = Math.floor(now.getTime() / 1000);
  const header = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const payload = b64url(
    JSON.stringify({ sub: claims.sub, roles: claims.roles, iat, exp: iat + (claims.expiresInSeconds ?? 3600) }),
  );
  const signature = createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url');
  return `${header}.${payload}.${signature}`;
}

/** Verifies an HS256 token: signature, `exp` (required), `sub` and `roles`. */
export function verifyJwt(token: string, secret: string, now: Date = new Date()): Principal {
  return verifyToken(token, secret, now).principal;
}

type VerifiedToken = { principal: Principal; expiresAtMs: number; notBeforeMs: number | null };

/**
 * verifyJwt that remembers the tokens it verified. A client sends the same token with every
 * request until it expires; checking its HMAC each time cost about 8 µs, some 3 % of the api's
 * event loop per gift under the bench. A token is remembered by its whole text, so any other
 * token, even one byte apart, is verified in full; expiry and not-before are checked on every
 * use; at most `capacity` tokens are kept, the least recently used going first.
 */
export class TokenVerifier {
  private readonly verified = new Map<string, VerifiedToken>();

  constructor(
    private readonly secret: string,
    private readonly capacity = 10_000,
  ) {}

  /** Tokens remembered now. */
  get size(): number {
    return this.verified.size;
  }

  verify(token: string, now: Date = new Date()): Principal {
    const known = this.verified.get(token);
    if (known === undefined) {
      const verified = verifyToken(token, this.secret, now);
      this.verified.set(token, verified);
      if (this.verified.size > this.capacity) this.verified.delete(this.verified.keys().next().value!);
      return verified.principal;
    }
    checkTimes(known.expiresAtMs, known.notBeforeMs, now);
    this.verified.delete(token);
    this.verified.set(token, known);
    return known.principal;
  }
}

function checkTimes(expiresAtMs: number, notBeforeMs: number | null, now: Date): void {
  if (expiresAtMs <= now.getTime()) throw new InvalidTokenError('The bearer token has expired.');
  if (notBeforeMs !== null && notBeforeMs > now.getTime()) throw new InvalidTokenError('The bearer token is not valid yet.');
}

function verifyToken(token: string, secret: string, now: Date): VerifiedToken {
  const parts = token.split('.');
  if (parts.length !== 3) throw new InvalidTokenError('The bearer token is not a JWT.');
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
  const header = parseJson(headerPart);
  if (header?.alg !== 'HS256') throw new InvalidTokenError('The bearer token must be signed with HS256.');
  const expected = createHmac('sha256', secret).update(`${headerPart}.${payloadPart}`).digest();
  const given = Buffer.from(signaturePart, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new InvalidTokenError('The bearer token signature is invalid.');
  }
  const payload = parseJson(payloadPart);
  if (!payload) throw new InvalidTokenError('The bearer token payload is not JSON.');
  if (typeof payload.exp !== 'number' || !Number.isFinite(payload.exp)) {
    throw new InvalidTokenError('The bearer token has no expiry (exp).');
  }
  const expiresAtMs = payload.exp * 1000;
  const notBeforeMs = typeof payload.nbf === 'number' ? payload.nbf * 1000 : null;
  checkTimes(expiresAtMs, notBeforeMs, now);
  if (typeof payload.sub !== 'string' || !IDENTIFIER_PATTERN.test(payload.sub)) {
    throw new InvalidTokenError('The bearer token subject (sub) is not a valid user id.');
  }
  const roles = Array.isArray(payload.roles) ? payload.roles : [];
  if (!roles.every((r): r is Role => (ROLES as readonly unknown[]).includes(r))) {
    throw new InvalidTokenError(`The bearer token roles must be among ${ROLES.join(', ')}.`);
  }
  return { principal: { userId: payload.sub, roles: new Set(roles) }, expiresAtMs, notBeforeMs };
}

function parseJson(part: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
