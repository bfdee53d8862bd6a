import type { EventStore } from '../../event-store/src/event-store.port';
import { upcastEvent } from '../../domain/src';
import { CommandExecutor } from '../../application/src/command-executor';

/** The command executor of every process: stored events are upcast to their current shape before they are folded. */
export function economyExecutor(eventStore: EventStore): CommandExecutor {
  return new CommandExecutor(eventStore, {
    upcast: (e) => ({ type: e.type, data: upcastEvent(e.type, e.data, e.metadata.schemaVersion) }),
  });
}
