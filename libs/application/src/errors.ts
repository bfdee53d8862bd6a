/** Failures of the application layer (not business rules); HTTP maps them in one place. */
export class IdempotencyKeyReusedError extends Error {
  override readonly name = 'IdempotencyKeyReusedError';
  constructor(readonly idempotencyKey: string) {
    super(`Idempotency-Key ${idempotencyKey} was already used with a different request.`);
  }
}

export class ConcurrencyConflictError extends Error {
  override readonly name = 'ConcurrencyConflictError';
  constructor(readonly streamName: string, readonly attempts: number) {
    super(`Stream ${streamName} kept changing; gave up after ${attempts} attempts.`);
  }
}

export class NotFoundError extends Error {
  override readonly name = 'NotFoundError';
  constructor(message: string, readonly details: Record<string, unknown> = {}) {
    super(message);
  }
}
