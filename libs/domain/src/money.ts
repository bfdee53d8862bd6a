/** Money is an integer amount of minor units (cents) in one ISO 4217 currency. Never a float. */
export type Money = { readonly value: number; readonly currency: string };

export const CURRENCY_PATTERN = /^[A-Z]{3}$/;

export function money(value: number, currency: string): Money {
  if (!Number.isSafeInteger(value)) throw new RangeError(`money value must be a safe integer, got ${value}`);
  if (!CURRENCY_PATTERN.test(currency)) throw new RangeError(`currency must be an ISO 4217 code, got ${currency}`);
  return { value, currency };
}

export function sameMoney(a: Money, b: Money): boolean {
  return a.value === b.value && a.currency === b.currency;
}

export function addMoney(a: Money, b: Money): Money {
  if (a.currency !== b.currency) throw new RangeError(`cannot add ${a.currency} to ${b.currency}`);
  return money(a.value + b.value, a.currency);
}
