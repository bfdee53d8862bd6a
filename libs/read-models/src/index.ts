// The ReadStore port, the projections and the runner, and the two adapters.
export * from './read-store.port';
export * from './doc-ops';
export * from './projections';
export { ProjectionRunner, type ProjectionRunnerOptions, type ProjectionStatus, type RebuildProgress } from './projector/projection-runner';
export { SqliteReadStore } from './embedded/sqlite-read-store';
export { MongoReadStore, type MongoReadStoreOptions } from './mongodb/mongo-read-store';
