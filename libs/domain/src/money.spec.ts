import { addMoney, money, sameMoney } from './money';

describe('money', () => {
  it('holds integer minor units in one currency', () => {
    expect(money(199, 'USD')).toEqual({ value: 199, currency: 'USD' });
    expect(money(0, 'JPY')).toEqual({ value: 0, currency: 'JPY' });
    expect(money(-50, 'EUR')).toEqual({ value: -50, currency: 'EUR' });
  });

  it.each([1.99, Number.NaN, Infinity, 2 ** 53])('refuses %p: money is never a float nor beyond exact integers', (value) => {
    expect(() => money(value, 'USD')).toThrow(RangeError);
  });

  it.each(['usd', 'US', 'USDT', '', '€'])('refuses currency %p', (currency) => {
    expect(() => money(1, currency)).toThrow(RangeError);
  });

  it('is the same only with the same value and currency', () => {
    expect(sameMoney(money(99, 'USD'), { value: 99, currency: 'USD' })).toBe(true);
    expect(sameMoney(money(99, 'USD'), money(99, 'GBP'))).toBe(false);
    expect(sameMoney(money(99, 'USD'), money(98, 'USD'))).toBe(false);
  });

  it('adds within one currency only', () => {
    expect(addMoney(money(99, 'USD'), money(1, 'USD'))).toEqual(money(100, 'USD'));
    expect(() => addMoney(money(99, 'USD'), money(1, 'EUR'))).toThrow('cannot add USD to EUR');
  });

  it('refuses a sum beyond exact integers rather than rounding it', () => {
    expect(() => addMoney(money(Number.MAX_SAFE_INTEGER, 'USD'), money(1, 'USD'))).toThrow(RangeError);
  });
});
