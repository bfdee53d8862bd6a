import type { Doc, ReadStore } from '../../../libs/read-models/src/read-store.port';
import type { ProjectionDefinition } from '../../../libs/read-models/src/read-store.port';

/** Every document of every collection, in _id order: what two stores must agree on. */
export async function dumpReadModels(store: ReadStore, projections: readonly ProjectionDefinition[]): Promise<Record<string, Doc[]>> {
  const dump: Record<string, Doc[]> = {};
  for (const projection of projections) {
    for (const collection of projection.collections) {
      const docs: Doc[] = [];
      let startAfter: string[] | undefined;
      for (;;) {
        const page = await store.find(collection.name, { orderBy: [['_id', 'asc']], limit: 1000, ...(startAfter ? { startAfter } : {}) });
        docs.push(...page);
        if (page.length < 1000) break;
        startAfter = [page[page.length - 1]!._id];
      }
      dump[collection.name] = docs;
    }
  }
  return dump;
}

/** A logger that keeps what it is told, for assertions. */
export function memoryLogger(): {
  entries: { level: string; obj: object; msg?: string }[];
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
} {
  const entries: { level: string; obj: object; msg?: string }[] = [];
  return {
    entries,
    info: (obj, msg) => entries.push({ level: 'info', obj, msg }),
    warn: (obj, msg) => entries.push({ level: 'warn', obj, msg }),
    error: (obj, msg) => entries.push({ level: 'error', obj, msg }),
  };
}
