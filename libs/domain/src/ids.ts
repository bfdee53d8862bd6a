/** Identifiers (user, creator, payment, package, gift, item ids) as the public contract defines them. */
export const ID_PATTERN = /^[A-Za-z0-9._:@|-]{1,128}$/;

export function isId(value: unknown): value is string {
  return typeof value === 'string' && ID_PATTERN.test(value);
}
