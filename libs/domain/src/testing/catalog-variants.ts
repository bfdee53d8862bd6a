import catalogData from '../catalog/catalog.data.json';
import { parseCatalog, type Catalog } from '../catalog/catalog';

/** A mutable deep copy of the shipped catalog JSON, for specs that need a variant of it. */
export function catalogJson(): Record<string, unknown> & typeof catalogData {
  return structuredClone(catalogData);
}

/** The shipped catalog with some top-level fields replaced, validated like any other. */
export function catalogWith(changes: Partial<typeof catalogData>): Catalog {
  return parseCatalog({ ...catalogJson(), ...changes });
}
