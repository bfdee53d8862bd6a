import { createHmac } from 'node:crypto';
import { InvalidTokenError, signJwt, TokenVerifier, verifyJwt } from './jwt';

const secret = 's'.repeat(32);
const now = new Date('2026-11-25T10:00:00Z');

describe('HS256 bearer tokens', () => {
  it('round-trips subject and roles', () => {
    const principal = verifyJwt(signJwt({ sub: 'alice', roles: ['user', 'creator'] }, secret, now), secret, now);
    expect(principal.userId).toBe('alice');
    expect([...principal.roles]).toEqual(['user', 'creator']);
  });

  it.each([
    ['another secret', () => verifyJwt(signJwt({ sub: 'a', roles: [] }, 'x'.repeat(32), now), secret, now)],
    ['an expired token', () => verifyJwt(signJwt({ sub: 'a', roles: [], expiresInSeconds: 10 }, secret, now), secret, new Date(now.getTime() + 11_000))],
    ['a tampered payload', () => {
      const [h, , s] = signJwt({ sub: 'a', roles: ['user'] }, secret, now).split('.');
      const forged = Buffer.from(JSON.stringify({ sub: 'a', roles: ['admin'], exp: 4102444800 })).toString('base64url');
      return verifyJwt(`${h}.${forged}.${s}`, secret, now);
    }],
    ['alg none', () => {
      const h = Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url');
      const p = Buffer.from(JSON.stringify({ sub: 'a', roles: ['admin'], exp: 4102444800 })).toString('base64url');
      return verifyJwt(`${h}.${p}.`, secret, now);
    }],
    ['an unknown role', () => verifyJwt(signJwt({ sub: 'a', roles: ['root' as never] }, secret, now), secret, now)],
    ['a subject that is not an identifier', () => verifyJwt(signJwt({ sub: 'a b', roles: [] }, secret, now), secret, now)],
  ])('refuses %s', (_, verify) => {
    expect(verify).toThrow(InvalidTokenError);
  });
});

describe('TokenVerifier (verified tokens remembered)', () => {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const sign = (payload: object) => {
    const unsigned = `${part({ alg: 'HS256', typ: 'JWT' })}.${part(payload)}`;
    return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
  };
  const at = (seconds: number) => new Date(now.getTime() + seconds * 1000);

  it('accepts a remembered token until it expires, and refuses it from then on', () => {
    const verifier = new TokenVerifier(secret);
    const token = signJwt({ sub: 'alice', roles: ['user'], expiresInSeconds: 10 }, secret, now);
    expect(verifier.verify(token, now).userId).toBe('alice');
    expect(verifier.verify(token, at(9)).userId).toBe('alice');
    expect(() => verifier.verify(token, at(10))).toThrow('The bearer token has expired.');
  });

  it('refuses a remembered token before its not-before time, and accepts it after', () => {
    const verifier = new TokenVerifier(secret);
    const nbf = Math.floor(now.getTime() / 1000) + 5;
    const token = sign({ sub: 'bob', roles: ['creator'], nbf, exp: nbf + 60 });
    expect(verifier.verify(token, at(6)).userId).toBe('bob');
    expect(() => verifier.verify(token, at(1))).toThrow('The bearer token is not valid yet.');
  });

  it('verifies in full any token that differs from a remembered one', () => {
    const verifier = new TokenVerifier(secret);
    const token = signJwt({ sub: 'alice', roles: ['user'] }, secret, now);
    verifier.verify(token, now);
    const [h, p, s] = token.split('.') as [string, string, string];
    const forged = `${h}.${part({ ...JSON.parse(Buffer.from(p, 'base64url').toString()), roles: ['admin'] })}.${s}`;
    expect(() => verifier.verify(forged, now)).toThrow('The bearer token signature is invalid.');
    expect(() => verifier.verify(`${token}x`, now)).toThrow(InvalidTokenError);
  });

  it('remembers at most its capacity of tokens', () => {
    const verifier = new TokenVerifier(secret, 2);
    for (const sub of ['a', 'b', 'c', 'a']) expect(verifier.verify(signJwt({ sub, roles: [] }, secret, now), now).userId).toBe(sub);
    expect(verifier.size).toBe(2);
  });
});
