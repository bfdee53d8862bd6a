import { hash, randomUUID } from 'node:crypto';
import { canonicalJson } from './canonical-json';

/**
 * A UUID (version 8, RFC 9562 custom) derived from a name, so that a retried command produces
 * the same event ids and the store recognises the retry instead of appending twice: the first 16
 * bytes of the name's SHA-256 with the version nibble set to 8 and the variant bits to 10.
 * Worked on the hex digest (one-shot hash, 0.4 against 2.7 µs with createHash); the ids are the
 * same as ever, since a retry after an upgrade must find the events written before it.
 */
export function deterministicUuid(name: string): string {
  const hex = hash('sha256', name, 'hex');
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
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
  return hash('sha256', `${kind}|${canonicalJson(body)}`, 'hex');
}
