import { defaultCatalog } from '../catalog/catalog';
import { creatorDecider } from '../decider';
import { catalogWith } from '../testing/catalog-variants';
import { specFor } from '../testing/given-when-then';
import {
  convertDiamonds,
  creatorRegistered,
  creditDiamonds,
  creditGifts,
  diamondsConverted,
  diamondsCredited,
  registerCreator,
} from '../testing/fixtures';

const given = specFor(creatorDecider(defaultCatalog()));
const registered = creatorRegistered();

describe('RegisterCreator', () => {
  it('registers a creator', () => {
    const state = given([]).when(registerCreator()).then([registered]);
    expect(state.registered).toBe(true);
  });

  it('registering again appends nothing: it is a retry, not an error', () => {
    given([registered]).when(registerCreator()).then([]);
  });
});

describe('CreditDiamonds', () => {
  it('credits the diamonds of a gift and remembers its position', () => {
    const state = given([registered]).when(creditDiamonds('17', 99)).then([diamondsCredited('17', 99)]);
    expect(state).toMatchObject({ diamondsEarned: 99, diamondsAvailable: 99, lastCreditedGiftPosition: 17n });
  });

  it('credits a later gift', () => {
    given([registered, diamondsCredited('17', 99)]).when(creditDiamonds('18', 5)).then([diamondsCredited('18', 5)]);
  });

  it.each(['17', '3', '0'])('a gift at position %s, at or before the last credited one, is a redelivery: nothing to append', (position) => {
    given([registered, diamondsCredited('17', 99)]).when(creditDiamonds(position, 99)).then([]);
  });

  it('compares positions beyond 2^53 exactly', () => {
    const last = diamondsCredited('9007199254740993', 1);
    given([registered, last]).when(creditDiamonds('9007199254740993', 1)).then([]);
    given([registered, last]).when(creditDiamonds('9007199254740992', 1)).then([]);
    given([registered, last]).when(creditDiamonds('9007199254740994', 1)).then([diamondsCredited('9007199254740994', 1)]);
  });

  it('credits several gifts in one command, one DiamondsCredited each, skipping those already credited', () => {
    const gift = (position: string, diamonds: number) => creditDiamonds(position, diamonds).data.gifts[0]!;
    const state = given([registered, diamondsCredited('17', 99)])
      .when(creditGifts('carol', [gift('12', 1), gift('17', 99), gift('18', 5), gift('30', 20)]))
      .then([diamondsCredited('18', 5), diamondsCredited('30', 20)]);
    expect(state).toMatchObject({ diamondsEarned: 124, lastCreditedGiftPosition: 30n });
  });

  it('treats gifts out of position order as a programmer error: the later one would be lost', () => {
    const gift = (position: string) => creditDiamonds(position, 1).data.gifts[0]!;
    given([registered]).when(creditGifts('carol', [gift('20'), gift('19')])).thenThrows(RangeError);
    given([registered]).when(creditGifts('carol', [gift('20'), gift('20')])).thenThrows(RangeError);
  });

  it('refuses to credit someone who is not a creator', () => {
    given([]).when(creditDiamonds('1', 5)).thenThrows('NOT_A_CREATOR', { creatorId: 'carol' });
  });

  it.each(['-1', '1.5', '', '0x10', '01', ' 1'])('treats position %p as a programmer error', (position) => {
    given([registered]).when(creditDiamonds(position, 5)).thenThrows(RangeError);
  });

  it.each([0, -5, 2.5])('treats %p diamonds as a programmer error', (diamonds) => {
    given([registered]).when(creditDiamonds('1', diamonds)).thenThrows(RangeError);
  });
});

describe('ConvertDiamonds', () => {
  const earned = [registered, diamondsCredited('1', 30_000)];

  it('converts diamonds at the rate in force: 2 diamonds pay 1 US cent', () => {
    const state = given(earned).when(convertDiamonds(20_000)).then([diamondsConverted(20_000, 10_000)]);
    expect(state).toMatchObject({
      diamondsEarned: 30_000,
      diamondsConverted: 20_000,
      diamondsAvailable: 10_000,
      payouts: { USD: 10_000 },
    });
  });

  it('keeps the diamond that does not make a whole cent available', () => {
    const state = given(earned).when(convertDiamonds(20_001)).then([diamondsConverted(20_000, 10_000)]);
    expect(state.diamondsAvailable).toBe(10_000);
  });

  it('may convert everything available', () => {
    const state = given(earned).when(convertDiamonds(30_000)).then([diamondsConverted(30_000, 15_000)]);
    expect(state.diamondsAvailable).toBe(0);
  });

  it('adds up payouts across conversions', () => {
    const state = given([registered, diamondsCredited('1', 50_000), diamondsConverted(20_000, 10_000)])
      .when(convertDiamonds(20_000, { conversionId: 'conv-2' }))
      .then([diamondsConverted(20_000, 10_000, { conversionId: 'conv-2' })]);
    expect(state).toMatchObject({ diamondsConverted: 40_000, diamondsAvailable: 10_000, payouts: { USD: 20_000 } });
  });

  it('refuses below the minimum', () => {
    given(earned).when(convertDiamonds(19_999)).thenThrows('BELOW_MINIMUM_CONVERSION', { minimum: 20_000, requested: 19_999 });
  });

  it('refuses more than available', () => {
    given(earned).when(convertDiamonds(30_001)).thenThrows('INSUFFICIENT_DIAMONDS', { available: 30_000, requested: 30_001 });
  });

  it('refuses someone who is not a creator', () => {
    given([]).when(convertDiamonds(20_000)).thenThrows('NOT_A_CREATOR');
  });

  it.each([0, -1, 1.5])('treats %p diamonds as a programmer error', (diamonds) => {
    given(earned).when(convertDiamonds(diamonds)).thenThrows(RangeError);
  });

  it('converts whole rate units exactly at any rate, with no diamond lost', () => {
    // 6 diamonds pay 4 minor units: in lowest terms 3 diamonds pay 2, so 10 diamonds convert 9 for 6.
    const rate = { diamonds: 6, payout: { value: 4, currency: 'EUR' } };
    const given = specFor(creatorDecider(catalogWith({ conversion: { rate, minimumDiamonds: 10 } })));
    const state = given([registered, diamondsCredited('1', 100)])
      .when(convertDiamonds(10))
      .then([diamondsConverted(9, 6, { payout: { value: 6, currency: 'EUR' }, rate })]);
    expect(state).toMatchObject({ diamondsAvailable: 91, diamondsConverted: 9, payouts: { EUR: 6 } });
  });
});
