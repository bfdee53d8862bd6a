import type { Document, Filter, Sort } from 'mongodb';
import type { FindQuery, Scalar } from '../read-store.port';

export type MongoFind = { filter: Filter<Document>; sort: Sort; limit: number };

/**
 * Translates a FindQuery into a Mongo filter, sort and limit.
 *
 * Mongo sorts null and missing fields first (BSON order: null < numbers < strings < ... <
 * booleans), like SQLite sorts NULL first, so keyset pages agree across adapters. But range
 * operators ($gt, $lt) use type bracketing (they never match a value of another type, null
 * included), so "after null" and "before a value, descending" are written out explicitly below.
 * A field is assumed to hold one type (plus null) across a collection, as projections write it.
 * https://www.mongodb.com/docs/manual/reference/bson-type-comparison-order/
 * https://www.mongodb.com/docs/manual/reference/mql/query-predicates/type-bracketing/
 */
export function toMongoFind(query: FindQuery): MongoFind {
  if (!Number.isSafeInteger(query.limit) || query.limit < 0) {
    throw new RangeError(`find limit must be a non-negative integer, got ${query.limit}`);
  }
  if (query.orderBy.length === 0) throw new RangeError('find needs an orderBy (keyset pages need a total order)');

  const clauses: Filter<Document>[] = [];
  for (const [field, value] of Object.entries(query.where ?? {})) clauses.push({ [field]: value });
  if (query.range) clauses.push(rangeClause(query.range));
  if (query.startAfter) clauses.push(keysetClause(query.orderBy, query.startAfter));

  const sort = query.orderBy.map(([field, direction]) => [field, direction === 'asc' ? 1 : -1] as const);
  return { filter: combine(clauses), sort, limit: query.limit };
}

function rangeClause(range: NonNullable<FindQuery['range']>): Filter<Document> {
  const bounds: Record<string, Scalar> = {};
  if (range.gte !== undefined) bounds.$gte = range.gte;
  if (range.lt !== undefined) bounds.$lt = range.lt;
  return Object.keys(bounds).length === 0 ? {} : { [range.field]: bounds };
}

/**
 * "Sorts after the cursor" over keys k1..kn with mixed directions is an $or of prefixes:
 * (k1 after v1) or (k1 = v1 and k2 after v2) or ... Each key's "after" depends on its direction.
 */
function keysetClause(orderBy: FindQuery['orderBy'], startAfter: readonly Scalar[]): Filter<Document> {
  if (startAfter.length !== orderBy.length) {
    throw new RangeError(`startAfter has ${startAfter.length} values for ${orderBy.length} orderBy keys`);
  }
  const branches: Filter<Document>[] = [];
  for (let i = 0; i < orderBy.length; i++) {
    const [field, direction] = orderBy[i];
    const after = sortsAfter(field, direction, startAfter[i]);
    if (after === null) continue;
    const prefix: Filter<Document> = {};
    for (let j = 0; j < i; j++) prefix[orderBy[j][0]] = startAfter[j];
    branches.push(combine([prefix, after]));
  }
  // Nothing sorts after the cursor (e.g. descending down to null on every key): an empty page.
  if (branches.length === 0) return { _id: { $in: [] } };
  return branches.length === 1 ? branches[0] : { $or: branches };
}

/** The condition "field sorts strictly after value" in that direction, or null if nothing does. */
function sortsAfter(field: string, direction: 'asc' | 'desc', value: Scalar): Filter<Document> | null {
  if (direction === 'asc') {
    // Null is the lowest value: every non-null value sorts after it ($ne ignores type brackets).
    return value === null ? { [field]: { $ne: null } } : { [field]: { $gt: value } };
  }
  if (value === null) return null;
  // Descending, null and missing come last, yet $lt never matches them: add them explicitly.
  return { $or: [{ [field]: { $lt: value } }, { [field]: null }] };
}

/** ANDs clauses, flattening into one object when no two clauses share a key. */
function combine(clauses: Filter<Document>[]): Filter<Document> {
  const nonEmpty = clauses.filter((clause) => Object.keys(clause).length > 0);
  if (nonEmpty.length === 0) return {};
  const keys = nonEmpty.flatMap((clause) => Object.keys(clause));
  if (new Set(keys).size === keys.length) return Object.assign({}, ...nonEmpty) as Filter<Document>;
  return { $and: nonEmpty };
}
