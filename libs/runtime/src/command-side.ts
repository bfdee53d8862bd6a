import type { EventStore } from '../../event-store/src/event-store.port';
import { upcastEvent } from '../../domain/src';
import { CommandExecutor } from '../../application/src/command-executor';
import type { AppConfig } from './config';

/**
 * The command executor of every process: stored events are upcast to their current shape before
 * they are folded. `cache` bounds what it keeps in memory (the executor's defaults otherwise).
 */
export function economyExecutor(eventStore: EventStore, cache?: AppConfig['commandCache']): CommandExecutor {
  return new CommandExecutor(eventStore, {
    upcast: (e) => ({ type: e.type, data: upcastEvent(e.type, e.data, e.metadata.schemaVersion) }),
    ...(cache && { cacheSize: cache.streams, cachedKeys: cache.keys }),
  });
}
