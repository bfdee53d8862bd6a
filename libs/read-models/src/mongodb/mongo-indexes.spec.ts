import type { IndexDefinition } from '../read-store.port';
import { indexName, supportingIndex, toIndexDescription } from './mongo-indexes';

const byCreatorDay: IndexDefinition = { fields: [['creatorId', 1], ['day', -1], ['_id', -1]] };
const byAmount: IndexDefinition = { fields: [['amount', -1], ['_id', 1]] };

describe('indexes', () => {
  it('keeps the compound key order and uses the name Mongo would give', () => {
    const description = toIndexDescription(byCreatorDay);
    expect([...(description.key as Map<string, number>).entries()]).toEqual([['creatorId', 1], ['day', -1], ['_id', -1]]);
    expect(indexName(byCreatorDay)).toBe('creatorId_1_day_-1__id_-1');
  });

  it('finds the index serving equality, then sort (either way round), then range', () => {
    const indexes = [byAmount, byCreatorDay];
    expect(supportingIndex(indexes, { where: { creatorId: 'c' }, orderBy: [['day', 'desc'], ['_id', 'desc']], limit: 5 })).toBe(byCreatorDay);
    expect(supportingIndex(indexes, { where: { creatorId: 'c' }, orderBy: [['day', 'asc'], ['_id', 'asc']], limit: 5 })).toBe(byCreatorDay);
    expect(
      supportingIndex(indexes, { where: { creatorId: 'c' }, range: { field: 'day', gte: 'a' }, orderBy: [['day', 'desc'], ['_id', 'desc']], limit: 5 }),
    ).toBe(byCreatorDay);
    expect(supportingIndex(indexes, { orderBy: [['amount', 'desc'], ['_id', 'asc']], limit: 5 })).toBe(byAmount);
    expect(supportingIndex(indexes, { orderBy: [['_id', 'desc']], limit: 5 })?.fields).toEqual([['_id', 1]]);
  });

  it('finds none when directions are mixed against the index, a tie-breaker is missing, or equality is not a prefix', () => {
    const indexes = [byAmount, byCreatorDay];
    expect(supportingIndex(indexes, { where: { creatorId: 'c' }, orderBy: [['day', 'desc'], ['_id', 'asc']], limit: 5 })).toBeNull();
    expect(supportingIndex(indexes, { orderBy: [['amount', 'desc'], ['creatorId', 'asc']], limit: 5 })).toBeNull();
    expect(supportingIndex(indexes, { where: { day: 'd' }, orderBy: [['_id', 'asc']], limit: 5 })).toBeNull();
  });
});
