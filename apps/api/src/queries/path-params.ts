import { IDENTIFIER_PATTERN } from '../../../../libs/application/src/auth/jwt';
import { validationFailed } from '../http/validation';

/** Path identifiers follow the same rule as body identifiers: else 400. */
export function identifierParam(name: string, value: string): string {
  if (!IDENTIFIER_PATTERN.test(value)) {
    throw validationFailed([{ field: name, problems: [`${name} must be 1 to 128 letters, digits or ._:@|-`] }]);
  }
  return value;
}
