import { defaultCatalog } from '../catalog/catalog';
import { walletDecider } from '../decider';
import { specFor } from '../testing/given-when-then';
import { catalogWith } from '../testing/catalog-variants';
import {
  NOW,
  coinsPurchased,
  giftSent,
  itemPurchased,
  purchaseCoins,
  purchaseItem,
  sendGift,
} from '../testing/fixtures';

const given = specFor(walletDecider(defaultCatalog()));

describe('PurchaseCoins', () => {
  it('credits the package coins at the catalog price of its region and channel', () => {
    const state = given([])
      .when(purchaseCoins({ paymentId: 'pay-9', packageId: 'coins-350', amount: { value: 499, currency: 'USD' } }))
      .then([
        coinsPurchased(350, { paymentId: 'pay-9', packageId: 'coins-350', amount: { value: 499, currency: 'USD' } }),
      ]);
    expect(state).toMatchObject({ balance: 350, coinsPurchased: 350, coinsSpent: 0 });
    expect(state.paymentIds.has('pay-9')).toBe(true);
  });

  it('prices yen in whole yen, the minor unit of JPY', () => {
    given([])
      .when(purchaseCoins({ region: 'JP', channel: 'web', amount: { value: 120, currency: 'JPY' } }))
      .then([
        coinsPurchased(70, { paymentId: 'pay-1', region: 'JP', channel: 'web', amount: { value: 120, currency: 'JPY' } }),
      ]);
  });

  it.each([
    ['an unknown package', { packageId: 'coins-71' }],
    ['an unknown region', { region: 'FR' }],
    ['an unknown channel', { channel: 'fax' }],
    ['an inherited property name as region', { region: 'toString' }],
  ])('refuses %s with UNKNOWN_PACKAGE', (_, over) => {
    given([]).when(purchaseCoins(over)).thenThrows('UNKNOWN_PACKAGE');
  });

  it('refuses an amount that is not the catalog price, saying both', () => {
    given([])
      .when(purchaseCoins({ amount: { value: 74, currency: 'USD' } }))
      .thenThrows('PRICE_MISMATCH', { expected: { value: 99, currency: 'USD' }, received: { value: 74, currency: 'USD' } });
  });

  it('refuses the right number in the wrong currency', () => {
    given([])
      .when(purchaseCoins({ amount: { value: 99, currency: 'GBP' } }))
      .thenThrows('PRICE_MISMATCH', { expected: { value: 99, currency: 'USD' }, received: { value: 99, currency: 'GBP' } });
  });

  it('credits nothing for a payment already credited, even if the retry differs', () => {
    const first = coinsPurchased(70, { paymentId: 'pay-1' });
    given([first]).when(purchaseCoins({ paymentId: 'pay-1' })).then([]);
    given([first]).when(purchaseCoins({ paymentId: 'pay-1', amount: { value: 1, currency: 'USD' } })).then([]);
  });
});

describe('SendGift', () => {
  it('spends the gift coins times quantity and carries the diamonds for the creator', () => {
    const state = given([coinsPurchased(70)])
      .when(sendGift({ giftId: 'rose', quantity: 3 }))
      .then([giftSent({ quantity: 3, coinsSpent: 3, diamonds: 3 })]);
    expect(state).toMatchObject({ balance: 67, coinsPurchased: 70, coinsSpent: 3 });
  });

  it('may spend the balance down to exactly zero', () => {
    const state = given([coinsPurchased(1400), coinsPurchased(7000, { paymentId: 'pay-b' })])
      .when(sendGift({ giftId: 'money-gun', quantity: 2 }))
      .then([giftSent({ giftId: 'money-gun', quantity: 2, coinsSpent: 1000, diamonds: 1000 })]);
    expect(state.balance).toBe(7400);
    given([coinsPurchased(70)])
      .when(sendGift({ giftId: 'finger-heart', quantity: 14 }))
      .then([giftSent({ giftId: 'finger-heart', quantity: 14, coinsSpent: 70, diamonds: 70 })]);
  });

  it('takes the diamonds per coin from the catalog, not from the code', () => {
    specFor(walletDecider(catalogWith({ diamondsPerCoin: 2 })))([coinsPurchased(70)])
      .when(sendGift({ giftId: 'perfume' }))
      .then([giftSent({ giftId: 'perfume', coinsSpent: 20, diamonds: 40 })]);
  });

  it('refuses more coins than the balance holds', () => {
    given([coinsPurchased(70), giftSent({ coinsSpent: 60, diamonds: 60 })])
      .when(sendGift({ giftId: 'perfume' }))
      .thenThrows('INSUFFICIENT_COINS', { balance: 10, required: 20 });
    given([]).when(sendGift()).thenThrows('INSUFFICIENT_COINS', { balance: 0, required: 1 });
  });

  it('refuses a gift the catalog does not have', () => {
    given([coinsPurchased(70)]).when(sendGift({ giftId: 'tulip' })).thenThrows('UNKNOWN_GIFT', { giftId: 'tulip' });
  });

  it('refuses a gift to oneself', () => {
    given([coinsPurchased(70)]).when(sendGift({ senderId: 'carol', creatorId: 'carol' })).thenThrows('SELF_GIFT');
  });

  it.each([0, -1, 1.5, Number.NaN, Number.MAX_SAFE_INTEGER + 1])('treats quantity %p as a programmer error', (quantity) => {
    given([coinsPurchased(70)]).when(sendGift({ quantity })).thenThrows(RangeError);
  });

  it('refuses a quantity whose cost a double cannot hold exactly', () => {
    given([coinsPurchased(70)])
      .when(sendGift({ giftId: 'universe', quantity: Math.floor(Number.MAX_SAFE_INTEGER / 1000) }))
      .thenThrows(RangeError);
  });
});

describe('PurchaseItem', () => {
  it('spends the item coins times quantity and records its kind', () => {
    const state = given([coinsPurchased(70)])
      .when(purchaseItem({ itemId: 'sticker-heart', quantity: 2 }))
      .then([itemPurchased({ quantity: 2, coinsSpent: 20 })]);
    expect(state).toMatchObject({ balance: 50, coinsSpent: 20 });
  });

  it('records the target a promotion boosts', () => {
    given([coinsPurchased(350)])
      .when(purchaseItem({ itemId: 'promotion-1k-views', target: 'video-42' }))
      .then([itemPurchased({ itemId: 'promotion-1k-views', itemKind: 'promotion', coinsSpent: 200, target: 'video-42' })]);
  });

  it('does not record a target for an item that boosts nothing', () => {
    given([coinsPurchased(70)])
      .when(purchaseItem({ itemId: 'effect-sparkle', target: 'video-42' }))
      .then([itemPurchased({ itemId: 'effect-sparkle', itemKind: 'effect', coinsSpent: 30 })]);
  });

  it('refuses an item the catalog does not have', () => {
    given([coinsPurchased(70)]).when(purchaseItem({ itemId: 'hat' })).thenThrows('UNKNOWN_ITEM', { itemId: 'hat' });
  });

  it('refuses more coins than the balance holds', () => {
    given([coinsPurchased(70), itemPurchased({ coinsSpent: 50 })])
      .when(purchaseItem({ itemId: 'effect-sparkle' }))
      .thenThrows('INSUFFICIENT_COINS', { balance: 20, required: 30 });
  });

  it.each([0, -2, 2.5])('treats quantity %p as a programmer error', (quantity) => {
    given([coinsPurchased(70)]).when(purchaseItem({ quantity })).thenThrows(RangeError);
  });
});

describe('evolveWallet', () => {
  it('folds purchases, gifts and items into balance, purchased and spent', () => {
    const state = given([
      coinsPurchased(700),
      coinsPurchased(70, { paymentId: 'pay-2' }),
      giftSent({ coinsSpent: 99 }),
      itemPurchased({ coinsSpent: 200, purchasedAt: NOW }),
    ])
      .when(purchaseItem())
      .then([itemPurchased()]);
    expect(state).toMatchObject({ balance: 461, coinsPurchased: 770, coinsSpent: 309 });
    expect([...state.paymentIds]).toEqual(['pay-700', 'pay-2']);
  });
});
