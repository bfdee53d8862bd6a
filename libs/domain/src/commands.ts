import type { DiamondsCredited, PaymentReceived } from './events';
import type { Money } from './money';

/**
 * Commands are requests the domain may refuse. Ids and times come in with the command
 * (`now` is ISO 8601), so deciders stay pure and replayable.
 */
export type PurchaseCoins = {
  type: 'PurchaseCoins';
  data: {
    userId: string;
    paymentId: string;
    packageId: string;
    region: string;
    channel: string;
    /** What the provider charged; must equal the catalog price for that package, region, channel. */
    amount: Money;
    now: string;
  };
};

export type SendGift = {
  type: 'SendGift';
  data: {
    giftTxnId: string;
    senderId: string;
    creatorId: string;
    giftId: string;
    quantity: number;
    now: string;
  };
};

export type PurchaseItem = {
  type: 'PurchaseItem';
  data: {
    purchaseId: string;
    userId: string;
    itemId: string;
    quantity: number;
    target?: string;
    now: string;
  };
};

export type WalletCommand = PurchaseCoins | SendGift | PurchaseItem;

export type RegisterCreator = {
  type: 'RegisterCreator';
  data: { creatorId: string; now: string };
};

/** One GiftSent to credit: what the creator's DiamondsCredited repeats (giftPosition: where the gift is in the log), and its time. */
export type GiftToCredit = Omit<DiamondsCredited['data'], 'creatorId' | 'creditedAt'> & { now: string };

/**
 * Issued by the diamonds reactor for the gifts to one creator it read together, in global order:
 * one DiamondsCredited each, in one append, so a creator who receives many gifts at once is
 * credited for all of them in one commit instead of one commit per gift.
 */
export type CreditDiamonds = {
  type: 'CreditDiamonds';
  data: { creatorId: string; gifts: readonly GiftToCredit[] };
};

export type ConvertDiamonds = {
  type: 'ConvertDiamonds';
  data: { conversionId: string; creatorId: string; diamonds: number; now: string };
};

export type CreatorCommand = RegisterCreator | CreditDiamonds | ConvertDiamonds;

/** The payment provider's report of a succeeded payment, recorded in `payment-{paymentId}` (PaymentReceived, once). */
export type RecordPayment = {
  type: 'RecordPayment';
  data: Omit<PaymentReceived['data'], 'receivedAt'> & { now: string };
};

export type PaymentCommand = RecordPayment;
