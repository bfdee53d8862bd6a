import { InvalidTokenError, signJwt, verifyJwt } from './jwt';

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
