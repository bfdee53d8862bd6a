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
