import { HttpException } from '@nestjs/common';
import { BusinessRuleViolation, type BusinessRuleCode } from '../../../../libs/domain/src/errors';
import {
  ConcurrencyConflictError,
  IdempotencyKeyReusedError,
  NotFoundError,
} from '../../../../libs/application/src/errors';
import { InvalidTokenError } from '../../../../libs/application/src/auth/jwt';
import {
  DuplicateEventIdError,
  StoreUnavailableError,
  WrongExpectedRevisionError,
} from '../../../../libs/event-store/src/event-store.port';
import { ApiError } from './api-error';

/** The one place where a failure becomes an HTTP status and an API.md error code. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof BusinessRuleViolation) {
    if (error.code === 'NOT_A_CREATOR') {
      // API.md names no such code: to a client this creator does not exist (yet).
      return new ApiError(404, 'UNKNOWN_CREATOR', `${error.message} Register first with POST /v1/creators/me.`, error.details);
    }
    if (error.code === 'PAYMENT_ALREADY_CREDITED') {
      // The paymentId is the webhook's idempotency key, reused here for another wallet.
      return new ApiError(409, 'IDEMPOTENCY_KEY_REUSED', error.message, error.details);
    }
    return new ApiError(businessRuleStatus(error.code), error.code, error.message, error.details);
  }
  if (error instanceof IdempotencyKeyReusedError) {
    return new ApiError(409, 'IDEMPOTENCY_KEY_REUSED', error.message, { idempotencyKey: error.idempotencyKey });
  }
  if (error instanceof DuplicateEventIdError) {
    return new ApiError(409, 'IDEMPOTENCY_KEY_REUSED', 'This request was already processed for another resource.', {});
  }
  if (error instanceof ConcurrencyConflictError || error instanceof WrongExpectedRevisionError) {
    return new ApiError(409, 'CONCURRENCY_CONFLICT', 'The resource changed concurrently; retry the request with the same Idempotency-Key.', {});
  }
  if (error instanceof NotFoundError) return new ApiError(404, 'NOT_FOUND', error.message, error.details);
  if (error instanceof InvalidTokenError) return new ApiError(401, 'UNAUTHENTICATED', error.message);
  if (error instanceof StoreUnavailableError) {
    return new ApiError(503, 'UNAVAILABLE', 'Storage is unavailable right now; retry shortly with the same Idempotency-Key.', {});
  }
  const fastify = fastifyError(error);
  if (fastify) return fastify;
  if (error instanceof HttpException) return fromHttpException(error);
  return new ApiError(500, 'INTERNAL', 'Something went wrong on our side; it has been logged.');
}

function businessRuleStatus(code: BusinessRuleCode): number {
  switch (code) {
    case 'UNKNOWN_GIFT':
    case 'UNKNOWN_CREATOR':
    case 'UNKNOWN_PACKAGE':
    case 'UNKNOWN_ITEM':
    case 'NOT_A_CREATOR':
      return 404;
    case 'PAYMENT_ALREADY_CREDITED':
      return 409;
    case 'INSUFFICIENT_COINS':
    case 'INSUFFICIENT_DIAMONDS':
    case 'BELOW_MINIMUM_CONVERSION':
    case 'PRICE_MISMATCH':
    case 'SELF_GIFT':
      return 422;
  }
}

/** Errors Fastify raises before a route runs (body parsing, size, media type). */
function fastifyError(error: unknown): ApiError | null {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !code.startsWith('FST_')) return null;
  switch (code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new ApiError(413, 'PAYLOAD_TOO_LARGE', 'The request body is larger than 64 KiB.');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new ApiError(415, 'UNSUPPORTED_MEDIA_TYPE', 'The request body must be application/json.');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new ApiError(400, 'VALIDATION_FAILED', 'The request body is empty or its length is wrong.', { fields: [] });
    default:
      return null;
  }
}

function fromHttpException(error: HttpException): ApiError {
  const status = error.getStatus();
  const response = error.getResponse();
  const message = typeof response === 'object' && response !== null && 'message' in response ? String((response as { message: unknown }).message) : error.message;
  if (status === 404) return new ApiError(404, 'NOT_FOUND', 'No such route.');
  if (status === 413) return new ApiError(413, 'PAYLOAD_TOO_LARGE', 'The request body is larger than 64 KiB.');
  if (status === 415) return new ApiError(415, 'UNSUPPORTED_MEDIA_TYPE', 'The request body must be application/json.');
  if (status === 400) {
    // Body-parser syntax errors arrive as 400 with the parser's own message.
    return new ApiError(400, 'VALIDATION_FAILED', 'The request body is not valid JSON.', { fields: [], reason: message });
  }
  if (status === 401) return new ApiError(401, 'UNAUTHENTICATED', message);
  if (status === 403) return new ApiError(403, 'FORBIDDEN', message);
  if (status === 405) return new ApiError(405, 'METHOD_NOT_ALLOWED', message);
  if (status === 429) return new ApiError(429, 'RATE_LIMITED', message);
  if (status >= 500) return new ApiError(500, 'INTERNAL', 'Something went wrong on our side; it has been logged.');
  return new ApiError(status, 'HTTP_ERROR', message);
}
