// The EventStore port and its adapters; import from here, not from an adapter's inner files.
export * from './event-store.port';
export {
  SqliteEventStore,
  type EventStoreLogger,
  type SqliteEventStoreOptions,
  type SqliteEventStoreStats,
  type SqliteStorageSettings,
} from './embedded/sqlite-event-store';
export {
  EventStoreDbEventStore,
  type EventStoreDbOptions,
  type SubscriptionStatus,
} from './eventstoredb/eventstoredb-event-store';
