/**
 * Business rules a command can break. The HTTP layer maps each code to a status in one place
 * (apps/api/src/http/error-mapping.ts); the domain knows nothing of HTTP.
 */
export type BusinessRuleCode =
  | 'INSUFFICIENT_COINS'
  | 'INSUFFICIENT_DIAMONDS'
  | 'BELOW_MINIMUM_CONVERSION'
  | 'PRICE_MISMATCH'
  | 'SELF_GIFT'
  | 'UNKNOWN_GIFT'
  | 'UNKNOWN_CREATOR'
  | 'UNKNOWN_PACKAGE'
  | 'UNKNOWN_ITEM'
  | 'NOT_A_CREATOR'
  | 'PAYMENT_ALREADY_CREDITED';

export class BusinessRuleViolation extends Error {
  override readonly name = 'BusinessRuleViolation';
  constructor(
    readonly code: BusinessRuleCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export const reject = (code: BusinessRuleCode, message: string, details: Record<string, unknown> = {}): never => {
  throw new BusinessRuleViolation(code, message, details);
};
