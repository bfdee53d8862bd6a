import Database from 'better-sqlite3';
import { StoreUnavailableError } from '../event-store.port';

// Primary result codes meaning the file cannot be worked with now, whatever the statement was.
const UNAVAILABLE_CODES: Record<string, string> = {
  SQLITE_BUSY: 'the database file is locked by another connection',
  SQLITE_LOCKED: 'a table is locked',
  SQLITE_FULL: 'the disk is full',
  SQLITE_IOERR: 'a disk I/O error occurred',
  SQLITE_CANTOPEN: 'the database file cannot be opened',
  SQLITE_READONLY: 'the database file is read-only',
  SQLITE_CORRUPT: 'the database file is corrupt',
  SQLITE_NOTADB: 'the file is not a database',
  SQLITE_PROTOCOL: 'the locking protocol failed',
  SQLITE_PERM: 'access to the database file was denied',
  SQLITE_NOMEM: 'SQLite ran out of memory',
};

function primaryCode(code: string): string {
  // Extended codes read like SQLITE_IOERR_FSYNC; the primary code is the first two words.
  return code.split('_').slice(0, 2).join('_');
}

/** The SQLite failure as a StoreUnavailableError saying what could not be done and why. */
export function toStoreUnavailable(error: unknown, action: string): StoreUnavailableError {
  if (error instanceof StoreUnavailableError) return error;
  if (error instanceof Database.SqliteError) {
    const reason = UNAVAILABLE_CODES[primaryCode(error.code)] ?? error.message;
    return new StoreUnavailableError(`embedded event store: ${action} failed: ${reason} (${error.code})`, error);
  }
  const message = error instanceof Error ? error.message : String(error);
  return new StoreUnavailableError(`embedded event store: ${action} failed: ${message}`, error);
}

/** True for the failures that say the database itself is unusable, not that a call was wrong. */
export function isSqliteFailure(error: unknown): boolean {
  if (error instanceof Database.SqliteError) return true;
  // better-sqlite3 throws a TypeError once the connection is closed.
  return error instanceof TypeError && /database connection is not open/i.test(error.message);
}
