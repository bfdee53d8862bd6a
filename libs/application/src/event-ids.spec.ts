import { createHash } from 'node:crypto';
import { deterministicUuid, eventIdsFor, requestHash } from './event-ids';

/** The derivation as first written, byte by byte: ids already in logs were made this way. */
function byBytes(name: string): string {
  const bytes = createHash('sha256').update(name).digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x80;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

describe('deterministicUuid', () => {
  it('derives the same ids as the byte-wise derivation that wrote the existing logs', () => {
    const names = Array.from({ length: 2000 }, (_, i) => `event|wallet-user-${i}|key-${i * 7919}|${i % 3}`);
    names.push('', 'clé-🔑', 'payment|pay_1|0');
    for (const name of names) expect(deterministicUuid(name)).toBe(byBytes(name));
  });

  it('is a version 8 UUID with the RFC 9562 variant, and differs per name', () => {
    const ids = new Set(Array.from({ length: 500 }, (_, i) => deterministicUuid(`n${i}`)));
    expect(ids.size).toBe(500);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

describe('eventIdsFor and requestHash', () => {
  it('gives a retried command the same ids, and random ones without a key', () => {
    expect(eventIdsFor('wallet-a', 'k', 2)).toEqual(eventIdsFor('wallet-a', 'k', 2));
    expect(eventIdsFor('wallet-a', 'k', 2)[0]).not.toBe(eventIdsFor('wallet-b', 'k', 2)[0]);
    expect(eventIdsFor('wallet-a', undefined, 1)).not.toEqual(eventIdsFor('wallet-a', undefined, 1));
  });

  it('hashes the canonical body, whatever the order of its keys', () => {
    expect(requestHash('gift', { a: 1, b: 2 })).toBe(requestHash('gift', { b: 2, a: 1 }));
    expect(requestHash('gift', { a: 1 })).toBe(createHash('sha256').update('gift|{"a":1}').digest('hex'));
    expect(requestHash('gift', { a: 1 })).not.toBe(requestHash('item', { a: 1 }));
  });
});
