import type { ConvertDiamonds, CreditDiamonds, GiftToCredit, PurchaseCoins, PurchaseItem, RecordPayment, RegisterCreator, SendGift } from '../commands';
import type { CoinsPurchased, CreatorRegistered, DiamondsConverted, DiamondsCredited, GiftSent, ItemPurchased, PaymentReceived } from '../events';

/** Builders of real commands and events with readable defaults, for specs only. */
export const NOW = '2025-01-15T12:00:00.000Z';

export const purchaseCoins = (over: Partial<PurchaseCoins['data']> = {}): PurchaseCoins => ({
  type: 'PurchaseCoins',
  data: {
    userId: 'alice',
    paymentId: 'pay-1',
    packageId: 'coins-70',
    region: 'US',
    channel: 'app_store',
    amount: { value: 99, currency: 'USD' },
    now: NOW,
    ...over,
  },
});

export const coinsPurchased = (coins: number, over: Partial<CoinsPurchased['data']> = {}): CoinsPurchased => ({
  type: 'CoinsPurchased',
  data: {
    userId: 'alice',
    paymentId: `pay-${coins}`,
    packageId: `coins-${coins}`,
    region: 'US',
    channel: 'app_store',
    coins,
    amount: { value: 99, currency: 'USD' },
    purchasedAt: NOW,
    ...over,
  },
});

export const sendGift = (over: Partial<SendGift['data']> = {}): SendGift => ({
  type: 'SendGift',
  data: { giftTxnId: 'gift-1', senderId: 'alice', creatorId: 'carol', giftId: 'rose', quantity: 1, now: NOW, ...over },
});

export const giftSent = (over: Partial<GiftSent['data']> = {}): GiftSent => ({
  type: 'GiftSent',
  data: {
    giftTxnId: 'gift-1',
    senderId: 'alice',
    creatorId: 'carol',
    giftId: 'rose',
    quantity: 1,
    coinsSpent: 1,
    diamonds: 1,
    sentAt: NOW,
    ...over,
  },
});

export const purchaseItem = (over: Partial<PurchaseItem['data']> = {}): PurchaseItem => ({
  type: 'PurchaseItem',
  data: { purchaseId: 'buy-1', userId: 'alice', itemId: 'sticker-heart', quantity: 1, now: NOW, ...over },
});

export const itemPurchased = (over: Partial<ItemPurchased['data']> = {}): ItemPurchased => ({
  type: 'ItemPurchased',
  data: {
    purchaseId: 'buy-1',
    userId: 'alice',
    itemId: 'sticker-heart',
    itemKind: 'sticker',
    quantity: 1,
    coinsSpent: 10,
    purchasedAt: NOW,
    ...over,
  },
});

export const registerCreator = (creatorId = 'carol'): RegisterCreator => ({ type: 'RegisterCreator', data: { creatorId, now: NOW } });

export const creatorRegistered = (creatorId = 'carol'): CreatorRegistered => ({
  type: 'CreatorRegistered',
  data: { creatorId, registeredAt: NOW },
});

/** The reactor's command for one gift; `over` may name the creator and any field of the gift. */
export const creditDiamonds = (
  giftPosition: string,
  diamonds: number,
  over: Partial<GiftToCredit> & { creatorId?: string } = {},
): CreditDiamonds => {
  const { creatorId = 'carol', ...gift } = over;
  return creditGifts(creatorId, [{ giftTxnId: `gift-at-${giftPosition}`, senderId: 'alice', giftId: 'rose', quantity: diamonds, diamonds, giftPosition, now: NOW, ...gift }]);
};

export const creditGifts = (creatorId: string, gifts: GiftToCredit[]): CreditDiamonds => ({ type: 'CreditDiamonds', data: { creatorId, gifts } });

export const diamondsCredited = (giftPosition: string, diamonds: number, over: Partial<DiamondsCredited['data']> = {}): DiamondsCredited => ({
  type: 'DiamondsCredited',
  data: {
    creatorId: 'carol',
    giftTxnId: `gift-at-${giftPosition}`,
    senderId: 'alice',
    giftId: 'rose',
    quantity: diamonds,
    diamonds,
    giftPosition,
    creditedAt: NOW,
    ...over,
  },
});

export const convertDiamonds = (diamonds: number, over: Partial<ConvertDiamonds['data']> = {}): ConvertDiamonds => ({
  type: 'ConvertDiamonds',
  data: { conversionId: 'conv-1', creatorId: 'carol', diamonds, now: NOW, ...over },
});

export const diamondsConverted = (diamonds: number, payoutCents: number, over: Partial<DiamondsConverted['data']> = {}): DiamondsConverted => ({
  type: 'DiamondsConverted',
  data: {
    conversionId: 'conv-1',
    creatorId: 'carol',
    diamonds,
    payout: { value: payoutCents, currency: 'USD' },
    rate: { diamonds: 2, payout: { value: 1, currency: 'USD' } },
    convertedAt: NOW,
    ...over,
  },
});

const PAYMENT = {
  paymentId: 'pay-1',
  userId: 'alice',
  packageId: 'coins-70',
  region: 'US',
  channel: 'app_store',
  amount: { value: 99, currency: 'USD' },
};

export const recordPayment = (over: Partial<RecordPayment['data']> = {}): RecordPayment => ({
  type: 'RecordPayment',
  data: { ...PAYMENT, now: NOW, ...over },
});

export const paymentReceived = (over: Partial<PaymentReceived['data']> = {}): PaymentReceived => ({
  type: 'PaymentReceived',
  data: { ...PAYMENT, receivedAt: NOW, ...over },
});
