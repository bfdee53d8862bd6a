import type Database from 'better-sqlite3';

/**
 * The embedded store's schema, as numbered migrations. PRAGMA user_version records how many have
 * run, so a file written by an older build is upgraded in place and a newer one is refused.
 */
const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE events (
    position     INTEGER PRIMARY KEY AUTOINCREMENT,
    stream_name  TEXT    NOT NULL,
    revision     INTEGER NOT NULL CHECK (revision >= 0),
    event_id     TEXT    NOT NULL UNIQUE,
    type         TEXT    NOT NULL,
    data         TEXT    NOT NULL,
    metadata     TEXT    NOT NULL,
    recorded_at  INTEGER NOT NULL,
    UNIQUE (stream_name, revision)
  );
  -- One row per stream so the current revision is a single key lookup.
  CREATE TABLE streams (
    stream_name  TEXT    PRIMARY KEY,
    revision     INTEGER NOT NULL CHECK (revision >= 0)
  ) WITHOUT ROWID;
  `,
  // Version 2: every index page an append dirties is written to the WAL and fsync'd with its
  // commit, and the event-id index, the streams table and AUTOINCREMENT's sqlite_sequence each
  // dirtied one more scattered page per append. What remains is the log itself, appended at its
  // end, and the one index a stream read and the revision check need: (stream_name, revision).
  // The stream's revision is that index's last entry; event ids are checked within their stream,
  // as EventStoreDB does (append-writer.ts). Positions are kept; no event is ever deleted, so a
  // rowid without AUTOINCREMENT still only grows.
  `
  CREATE TABLE events_v2 (
    position     INTEGER PRIMARY KEY,
    stream_name  TEXT    NOT NULL,
    revision     INTEGER NOT NULL CHECK (revision >= 0),
    event_id     TEXT    NOT NULL,
    type         TEXT    NOT NULL,
    data         TEXT    NOT NULL,
    metadata     TEXT    NOT NULL,
    recorded_at  INTEGER NOT NULL
  );
  INSERT INTO events_v2 (position, stream_name, revision, event_id, type, data, metadata, recorded_at)
    SELECT position, stream_name, revision, event_id, type, data, metadata, recorded_at FROM events ORDER BY position;
  DROP TABLE events;
  DROP TABLE streams;
  ALTER TABLE events_v2 RENAME TO events;
  CREATE UNIQUE INDEX events_by_stream ON events (stream_name, revision);
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

export function migrate(db: Database.Database): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > SCHEMA_VERSION) {
    throw new Error(
      `event store file has schema version ${current}, newer than this build understands (${SCHEMA_VERSION})`,
    );
  }
  for (let version = current; version < SCHEMA_VERSION; version += 1) {
    db.transaction(() => {
      db.exec(MIGRATIONS[version]);
      // user_version cannot be bound as a parameter; version is our own integer.
      db.pragma(`user_version = ${version + 1}`);
    }).immediate();
  }
  return current;
}
