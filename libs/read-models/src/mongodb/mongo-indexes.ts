import type { IndexDescription } from 'mongodb';
import type { FindQuery, IndexDefinition } from '../read-store.port';

/**
 * Which index serves which query. A find is served by an index when the index reads, in order
 * (MongoDB's Equality-Sort-Range rule):
 *   1. the `where` fields (any order), 2. the `orderBy` keys in order (all directions as declared,
 *   or all reversed: Mongo walks an index backwards), 3. the `range` field if it is not a sort key.
 * Then Mongo needs no in-memory sort and reads only the page it returns. Every collection also has
 * the implicit unique `_id` index, which serves `get` and `_id`-ordered finds.
 * https://www.mongodb.com/docs/manual/tutorial/equality-sort-range-guideline/
 */
export function toIndexDescription(index: IndexDefinition): IndexDescription {
  // A Map keeps the key order explicit: a compound index's order is its meaning.
  return { key: new Map(index.fields.map(([field, direction]) => [field, direction])), name: indexName(index) };
}

/** The name MongoDB itself would give, so that re-running createIndexes is a no-op. */
export function indexName(index: IndexDefinition): string {
  return index.fields.map(([field, direction]) => `${field}_${direction}`).join('_');
}

const ID_INDEX: IndexDefinition = { fields: [['_id', 1]] };

/** The declared index (or the `_id` index) that serves the query by the rule above, or null. */
export function supportingIndex(indexes: readonly IndexDefinition[], query: FindQuery): IndexDefinition | null {
  return [...indexes, ID_INDEX].find((index) => serves(index, query)) ?? null;
}

function serves(index: IndexDefinition, query: FindQuery): boolean {
  const equality = new Set(Object.keys(query.where ?? {}));
  const fields = index.fields;
  let at = 0;
  while (at < fields.length && equality.has(fields[at][0])) at++;
  if (at !== equality.size) return false;

  // Sort keys that are also equality fields are constant in the result and need no index order.
  const sortKeys = query.orderBy.filter(([field]) => !equality.has(field));
  let reversed: boolean | null = null;
  for (const [field, direction] of sortKeys) {
    // A tie-breaking key (often _id) must be in the index too, or Mongo sorts in memory.
    if (at >= fields.length) return false;
    const [indexField, indexDirection] = fields[at];
    if (indexField !== field) return false;
    const flipped = (direction === 'asc' ? 1 : -1) !== indexDirection;
    if (reversed !== null && reversed !== flipped) return false;
    reversed = flipped;
    at++;
  }
  const rangeField = query.range?.field;
  if (rangeField === undefined || sortKeys.some(([field]) => field === rangeField) || equality.has(rangeField)) {
    return true;
  }
  return at < fields.length && fields[at][0] === rangeField;
}
