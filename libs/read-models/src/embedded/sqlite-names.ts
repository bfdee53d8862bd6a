/**
 * SQL names and expressions of the embedded ReadStore. Collection and field names become SQL
 * identifiers and JSON paths, so they are checked here, once, against a safe alphabet.
 */
const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,100}$/;

export function checkName(kind: 'collection' | 'field', name: string): string {
  if (!NAME.test(name)) throw new RangeError(`${kind} name ${JSON.stringify(name)} must match ${String(NAME)}`);
  return name;
}

/** One table per collection per generation, e.g. rm_wallets_g1. */
export const tableName = (collection: string, generation: number): string =>
  `rm_${checkName('collection', collection)}_g${generation}`;

/**
 * While a rebuild fills a generation, its table has no id index yet, and the writes that must read
 * their document wait here in order (SqliteReadStore stopFilling). The table exists only then.
 */
export const deferredWritesTableName = (collection: string, generation: number): string => `${tableName(collection, generation)}_deferred`;

/**
 * The SQL expression of a document field. Index definitions and queries both use this exact text,
 * so SQLite's planner matches the expression indexes.
 */
export const fieldExpression = (field: string): string =>
  field === '_id' ? 'id' : `json_extract(doc, '$.${checkName('field', field)}')`;
