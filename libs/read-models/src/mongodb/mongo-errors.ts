import {
  MongoBulkWriteError,
  MongoError,
  MongoNetworkError,
  MongoNotConnectedError,
  MongoOperationTimeoutError,
  MongoServerClosedError,
  MongoServerSelectionError,
  MongoTopologyClosedError,
} from 'mongodb';
import { StoreUnavailableError } from '../../../event-store/src/event-store.port';
import { DocOpError } from '../doc-ops';

/**
 * Errors that mean "MongoDB cannot serve us now" rather than "this request is wrong": the app
 * answers them 503 UNAVAILABLE (through StoreUnavailableError) and the projector retries later.
 * Labels are the driver's own classification of retryable failures (primary stepped down,
 * election in progress) that survived its single automatic retry or withTransaction's retries.
 * https://www.mongodb.com/docs/manual/core/transactions-in-applications/
 */
const UNAVAILABLE_LABELS = ['RetryableWriteError', 'TransientTransactionError', 'UnknownTransactionCommitResult', 'ResetPool', 'SystemOverloadedError'];

// Server codes for "not primary / shutting down / interrupted by a replica set change".
const UNAVAILABLE_CODES = new Set([91, 189, 10107, 11600, 11602, 13435, 13436]);

export function isUnavailable(error: unknown): boolean {
  if (!(error instanceof MongoError)) return false;
  if (
    error instanceof MongoNetworkError ||
    error instanceof MongoServerSelectionError ||
    error instanceof MongoTopologyClosedError ||
    error instanceof MongoNotConnectedError ||
    error instanceof MongoServerClosedError ||
    error instanceof MongoOperationTimeoutError
  ) {
    return true;
  }
  if (typeof error.code === 'number' && UNAVAILABLE_CODES.has(error.code)) return true;
  return UNAVAILABLE_LABELS.some((label) => error.hasErrorLabel(label));
}

/** Rethrows an unavailability as StoreUnavailableError naming the server; other errors unchanged. */
export function toStoreError(error: unknown, hosts: string, doing: string): unknown {
  if (error instanceof StoreUnavailableError || !isUnavailable(error)) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new StoreUnavailableError(`MongoDB at ${hosts} is unavailable while ${doing}: ${reason}`, error);
}

// TypeMismatch: an $inc on a field that does not hold a number.
const TYPE_MISMATCH = 14;

/**
 * A bulkWrite refused because an op does not fit the document (an inc on a string) is the same
 * DocOpError the embedded store throws; ids[i] is the document of the i-th model.
 */
export function toDocOpError(error: unknown, collection: string, ids: readonly string[]): unknown {
  if (!(error instanceof MongoBulkWriteError)) return error;
  const writeErrors = Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors];
  const mismatch = writeErrors.find((writeError) => writeError.code === TYPE_MISMATCH);
  if (!mismatch || ids[mismatch.index] === undefined) return error;
  return new DocOpError(collection, ids[mismatch.index], mismatch.errmsg ?? 'the update does not fit the stored document');
}
