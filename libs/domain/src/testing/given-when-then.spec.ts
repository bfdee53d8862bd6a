import { AssertionError } from 'node:assert';
import { defaultCatalog } from '../catalog/catalog';
import { walletDecider } from '../decider';
import { coinsPurchased, giftSent, sendGift } from './fixtures';
import { specFor } from './given-when-then';

// The helper is only worth having if it fails when it should.
describe('specFor', () => {
  const given = specFor(walletDecider(defaultCatalog()));

  it('then fails when the events differ', () => {
    expect(() => given([coinsPurchased(70)]).when(sendGift()).then([giftSent({ diamonds: 2 })])).toThrow(AssertionError);
  });

  it('thenThrows fails when the command succeeds', () => {
    expect(() => given([coinsPurchased(70)]).when(sendGift()).thenThrows('INSUFFICIENT_COINS')).toThrow(/got events/);
  });

  it('thenThrows fails on another code, other details or another error class', () => {
    expect(() => given([]).when(sendGift()).thenThrows('SELF_GIFT')).toThrow(AssertionError);
    expect(() => given([]).when(sendGift()).thenThrows('INSUFFICIENT_COINS', { balance: 1, required: 1 })).toThrow(AssertionError);
    expect(() => given([]).when(sendGift()).thenThrows(RangeError)).toThrow(AssertionError);
  });

  it('then returns the state after the new events', () => {
    expect(given([coinsPurchased(70)]).when(sendGift()).then([giftSent()]).balance).toBe(69);
  });
});
