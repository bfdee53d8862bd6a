import type { FindQuery, Scalar } from '../read-store.port';
import { fieldExpression } from './sqlite-names';

export type SqlQuery = { sql: string; params: (string | number | null)[] };

/** SQLite has no boolean: JSON true/false come out of json_extract as 1/0. */
const bindable = (value: Scalar): string | number | null => (typeof value === 'boolean' ? (value ? 1 : 0) : value);

export const MAX_FIND_LIMIT = 10_000;

function equals(expr: string, value: Scalar, params: SqlQuery['params']): string {
  if (value === null) return `${expr} IS NULL`;
  params.push(bindable(value));
  return `${expr} = ?`;
}

/**
 * Keyset pagination over mixed directions: (k1 beyond v1) OR (k1 = v1 AND k2 beyond v2) OR ...,
 * behind a bound on k1 alone so the planner starts the index scan at the page, not at the start.
 * Order keys are non-null in every document (read-store.port.ts), so null needs no special case.
 */
function keysetAfter(orderBy: FindQuery['orderBy'], values: readonly Scalar[], params: SqlQuery['params']): string {
  if (values.length !== orderBy.length) {
    throw new RangeError(`startAfter has ${values.length} values for ${orderBy.length} orderBy keys`);
  }
  if (values.some((value) => value === null || value === undefined)) {
    throw new RangeError('startAfter values must not be null: order keys are present in every document');
  }
  const cmp = (dir: 'asc' | 'desc', strict: boolean): string => (dir === 'asc' ? '>' : '<') + (strict ? '' : '=');
  // Bound first: placeholders are numbered in text order.
  params.push(bindable(values[0]!));
  const leading = `${fieldExpression(orderBy[0]![0])} ${cmp(orderBy[0]![1], false)} ?`;
  const alternatives: string[] = [];
  for (let i = 0; i < orderBy.length; i += 1) {
    const terms: string[] = [];
    for (let j = 0; j < i; j += 1) terms.push(equals(fieldExpression(orderBy[j]![0]), values[j]!, params));
    params.push(bindable(values[i]!));
    terms.push(`${fieldExpression(orderBy[i]![0])} ${cmp(orderBy[i]![1], true)} ?`);
    alternatives.push(`(${terms.join(' AND ')})`);
  }
  return `${leading} AND (${alternatives.join(' OR ')})`;
}

export function buildFind(table: string, query: FindQuery): SqlQuery {
  if (!Number.isSafeInteger(query.limit) || query.limit < 1 || query.limit > MAX_FIND_LIMIT) {
    throw new RangeError(`limit must be an integer in 1..${MAX_FIND_LIMIT}, got ${query.limit}`);
  }
  if (query.orderBy.length === 0) throw new RangeError('orderBy needs at least one key');
  const params: SqlQuery['params'] = [];
  const conditions: string[] = [];
  for (const [field, value] of Object.entries(query.where ?? {})) {
    conditions.push(equals(fieldExpression(field), value, params));
  }
  if (query.range) {
    const expr = fieldExpression(query.range.field);
    if (query.range.gte !== undefined) {
      params.push(bindable(query.range.gte));
      conditions.push(`${expr} >= ?`);
    }
    if (query.range.lt !== undefined) {
      params.push(bindable(query.range.lt));
      conditions.push(`${expr} < ?`);
    }
  }
  if (query.startAfter) conditions.push(keysetAfter(query.orderBy, query.startAfter, params));
  const where = conditions.length > 0 ? ` WHERE ${conditions.join(' AND ')}` : '';
  const order = query.orderBy.map(([field, dir]) => `${fieldExpression(field)} ${dir === 'asc' ? 'ASC' : 'DESC'}`);
  params.push(query.limit);
  return { sql: `SELECT id, doc FROM "${table}"${where} ORDER BY ${order.join(', ')} LIMIT ?`, params };
}
