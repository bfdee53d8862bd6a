import type { Document, Filter } from 'mongodb';
import type { FindQuery, Scalar } from '../read-store.port';
import { toMongoFind } from './mongo-find';

// A small model of how MongoDB matches and sorts scalars (BSON order, type bracketing, null ==
// missing), so that paging through the translated filters can be checked against a full sort.
type Row = Record<string, Scalar | undefined> & { _id: string };
const typeRank = (v: Scalar | undefined): number =>
  v === null || v === undefined ? 0 : typeof v === 'number' ? 1 : typeof v === 'string' ? 2 : 3;
const compare = (a: Scalar | undefined, b: Scalar | undefined): number => {
  const byType = typeRank(a) - typeRank(b);
  if (byType !== 0 || typeRank(a) === 0) return byType;
  return a! < b! ? -1 : a! > b! ? 1 : 0;
};
function matches(row: Row, filter: Filter<Document>): boolean {
  return Object.entries(filter).every(([key, condition]) => {
    if (key === '$or') return (condition as Filter<Document>[]).some((f) => matches(row, f));
    if (key === '$and') return (condition as Filter<Document>[]).every((f) => matches(row, f));
    const value = row[key];
    if (condition === null || typeof condition !== 'object') return compare(value, condition as Scalar) === 0;
    return Object.entries(condition as Record<string, unknown>).every(([op, operand]) => {
      if (op === '$in') return (operand as Scalar[]).some((o) => compare(value, o) === 0);
      if (op === '$ne') return compare(value, operand as Scalar) !== 0;
      if (typeRank(value) !== typeRank(operand as Scalar)) return false; // type bracketing
      const c = compare(value, operand as Scalar);
      return op === '$gt' ? c > 0 : op === '$gte' ? c >= 0 : op === '$lt' ? c < 0 : c <= 0;
    });
  });
}
function run(rows: Row[], query: FindQuery): Row[] {
  const { filter, sort, limit } = toMongoFind(query);
  const keys = sort as ReadonlyArray<readonly [string, 1 | -1]>;
  const sorted = rows.filter((row) => matches(row, filter)).sort((a, b) => {
    for (const [field, dir] of keys) {
      const c = compare(a[field], b[field]) * dir;
      if (c !== 0) return c;
    }
    return 0;
  });
  return sorted.slice(0, limit);
}

const rows: Row[] = [];
const scores = [5, null, 3, 5, undefined, 9, 3, null, 5, 1];
const regions = ['US', 'FR', null, 'US', 'FR', 'US', null, 'FR', 'US', 'US'];
for (let i = 0; i < 30; i++) {
  rows.push({ _id: `u${String(i).padStart(2, '0')}`, score: scores[i % 10], region: regions[(i * 7) % 10], day: i % 4 });
}

function pageThrough(query: Omit<FindQuery, 'limit' | 'startAfter'>, pageSize: number): Row[] {
  const seen: Row[] = [];
  let startAfter: Scalar[] | undefined;
  for (let guard = 0; guard < 100; guard++) {
    const page = run(rows, { ...query, limit: pageSize, startAfter });
    seen.push(...page);
    if (page.length < pageSize) return seen;
    const last = page[page.length - 1];
    startAfter = query.orderBy.map(([field]) => last[field] ?? null);
  }
  throw new Error('paging did not end');
}

describe('toMongoFind', () => {
  it('puts equality and a half-open range into one filter, with the sort keys in order', () => {
    const find = toMongoFind({
      where: { creatorId: 'c1' },
      range: { field: 'day', gte: '2024-01-01', lt: '2024-02-01' },
      orderBy: [['day', 'asc'], ['_id', 'desc']],
      limit: 50,
    });
    expect(find).toEqual({
      filter: { creatorId: 'c1', day: { $gte: '2024-01-01', $lt: '2024-02-01' } },
      sort: [['day', 1], ['_id', -1]],
      limit: 50,
    });
  });

  it('writes the keyset over mixed directions as an $or of prefixes, with nulls after values when descending', () => {
    const { filter } = toMongoFind({ orderBy: [['score', 'desc'], ['_id', 'asc']], startAfter: [5, 'u03'], limit: 10 });
    expect(filter).toEqual({
      $or: [{ $or: [{ score: { $lt: 5 } }, { score: null }] }, { score: 5, _id: { $gt: 'u03' } }],
    });
  });

  it('treats null as the lowest value: after null ascending is any value, nothing follows it descending', () => {
    expect(toMongoFind({ orderBy: [['score', 'asc'], ['_id', 'asc']], startAfter: [null, 'u01'], limit: 5 }).filter).toEqual({
      $or: [{ score: { $ne: null } }, { score: null, _id: { $gt: 'u01' } }],
    });
    expect(toMongoFind({ orderBy: [['score', 'desc']], startAfter: [null], limit: 5 }).filter).toEqual({ _id: { $in: [] } });
  });

  it('keeps a where clause apart from a keyset on the same field', () => {
    const { filter } = toMongoFind({ where: { _id: 'u01' }, orderBy: [['_id', 'asc']], startAfter: ['u00'], limit: 1 });
    expect(filter).toEqual({ $and: [{ _id: 'u01' }, { _id: { $gt: 'u00' } }] });
  });

  it.each([
    ['score desc, _id asc', [['score', 'desc'], ['_id', 'asc']]],
    ['score asc, _id desc', [['score', 'asc'], ['_id', 'desc']]],
    ['region desc, score asc, _id desc', [['region', 'desc'], ['score', 'asc'], ['_id', 'desc']]],
    ['day asc, region asc, _id asc', [['day', 'asc'], ['region', 'asc'], ['_id', 'asc']]],
  ] as const)('pages through %s, with nulls and ties, exactly like one full sort', (_name, orderBy) => {
    const all = run(rows, { orderBy, limit: 1000 });
    for (const size of [1, 4, 7]) expect(pageThrough({ orderBy }, size).map((r) => r._id)).toEqual(all.map((r) => r._id));
    expect(all).toHaveLength(rows.length);
  });

  it('pages within a where and a range', () => {
    const query = { where: { region: 'US' }, range: { field: 'day', gte: 1, lt: 3 }, orderBy: [['score', 'desc'], ['_id', 'asc']] } as const;
    const all = run(rows, { ...query, limit: 1000 });
    expect(all.length).toBeGreaterThan(2);
    expect(all.every((r) => r.region === 'US' && (r.day as number) >= 1 && (r.day as number) < 3)).toBe(true);
    expect(pageThrough(query, 2).map((r) => r._id)).toEqual(all.map((r) => r._id));
  });

  it('refuses a cursor that does not match the sort keys, a missing sort and a bad limit', () => {
    expect(() => toMongoFind({ orderBy: [['a', 'asc'], ['_id', 'asc']], startAfter: [1], limit: 1 })).toThrow(RangeError);
    expect(() => toMongoFind({ orderBy: [], limit: 1 })).toThrow(RangeError);
    expect(() => toMongoFind({ orderBy: [['_id', 'asc']], limit: 1.5 })).toThrow(RangeError);
  });
});
