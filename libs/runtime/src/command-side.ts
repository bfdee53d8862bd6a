import type { EventStore } from '../../event-store/src/event-store.port';
import type { ReadStore } from '../../read-models/src/read-store.port';
import { type Catalog, creatorDecider, upcastEvent } from '../../domain/src';
import { CommandExecutor } from '../../application/src/command-executor';
import { DiamondsReactor } from '../../application/src/diamonds-reactor';
import type { Logger } from '../../application/src/logger';

/** The command executor of every process: stored events are upcast to their current shape before they are folded. */
export function economyExecutor(eventStore: EventStore): CommandExecutor {
  return new CommandExecutor(eventStore, {
    upcast: (e) => ({ type: e.type, data: upcastEvent(e.type, e.data, e.metadata.schemaVersion) }),
  });
}

/**
 * The diamonds reactor, crediting creators through `executor` and pacing its batches like the
 * projections (its checkpoint goes into `readStore`, whose init must have registered DIAMONDS_REACTOR).
 */
export function diamondsReactorFor(deps: {
  eventStore: EventStore;
  readStore: ReadStore;
  executor: CommandExecutor;
  catalog: Catalog;
  logger: Logger;
  batchIntervalMs: number;
}): DiamondsReactor {
  const { catalog, ...rest } = deps;
  return new DiamondsReactor({ ...rest, creatorModel: creatorDecider(catalog) });
}
