import { createHash, randomUUID } from 'node:crypto';
import { canonicalJson } from './canonical-json';

/**
 * A UUID (version 8, RFC 9562 custom) derived from a name, so that a retried command produces
 * the same event ids and the store recognises the retry instead of appending twice.
 */
export function deterministicUuid(name: string): string {
  const bytes = createHash('sha256').update(name).digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x80;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Ids of a command's events: derived from the idempotency key when there is one. */
export function eventIdsFor(streamName: string, idempotencyKey: string | undefined, count: number): string[] {
  return Array.from({ length: count }, (_, i) =>
    idempotencyKey === undefined ? randomUUID() : deterministicUuid(`event|${streamName}|${idempotencyKey}|${i}`),
  );
}

/** A business id (giftTxnId, conversionId...) stable across retries of the same request. */
export function businessIdFor(kind: string, streamName: string, idempotencyKey: string | undefined): string {
  return idempotencyKey === undefined ? randomUUID() : deterministicUuid(`${kind}|${streamName}|${idempotencyKey}`);
}

/** SHA-256 of a request's canonical JSON (keys sorted), to tell a reused key with another body. */
export function requestHash(kind: string, body: unknown): string {
  return createHash('sha256').update(`${kind}|${canonicalJson(body)}`).digest('hex');
}
