import type { Money } from './money';

/**
 * Every event of the economy. Events are facts, kept forever: a field is never removed or
 * re-purposed; a changed shape gets a new schemaVersion and an upcaster (see upcast.ts).
 * Times are ISO 8601 strings, chosen by the command (never read from a clock inside the domain).
 */
export type CoinsPurchased = {
  type: 'CoinsPurchased';
  data: {
    userId: string;
    paymentId: string;
    packageId: string;
    region: string;
    channel: string;
    coins: number;
    amount: Money;
    purchasedAt: string;
  };
};

export type GiftSent = {
  type: 'GiftSent';
  data: {
    giftTxnId: string;
    senderId: string;
    creatorId: string;
    giftId: string;
    quantity: number;
    coinsSpent: number;
    diamonds: number;
    sentAt: string;
  };
};

export type ItemPurchased = {
  type: 'ItemPurchased';
  data: {
    purchaseId: string;
    userId: string;
    itemId: string;
    itemKind: string;
    quantity: number;
    coinsSpent: number;
    target?: string;
    purchasedAt: string;
  };
};

export type CreatorRegistered = {
  type: 'CreatorRegistered';
  data: { creatorId: string; registeredAt: string };
};

export type DiamondsCredited = {
  type: 'DiamondsCredited';
  data: {
    creatorId: string;
    giftTxnId: string;
    senderId: string;
    giftId: string;
    quantity: number;
    diamonds: number;
    /** Global position of the GiftSent this credit follows from, as a decimal string (64-bit). */
    giftPosition: string;
    creditedAt: string;
  };
};

export type DiamondsConverted = {
  type: 'DiamondsConverted';
  data: {
    conversionId: string;
    creatorId: string;
    diamonds: number;
    payout: Money;
    /** The rate in force: `diamonds` diamonds pay `payout` minor units. */
    rate: { diamonds: number; payout: Money };
    convertedAt: string;
  };
};

/**
 * The payment provider reported a succeeded payment, in the payment's own stream `payment-{paymentId}`:
 * appended there with no_stream before the wallet is credited, it is what makes one payment credit
 * one wallet, once, ever (the wallet's CoinsPurchased names the same paymentId).
 */
export type PaymentReceived = {
  type: 'PaymentReceived';
  data: {
    paymentId: string;
    userId: string;
    packageId: string;
    region: string;
    channel: string;
    amount: Money;
    receivedAt: string;
  };
};

export type WalletEvent = CoinsPurchased | GiftSent | ItemPurchased;
export type CreatorEvent = CreatorRegistered | DiamondsCredited | DiamondsConverted;
export type PaymentEvent = PaymentReceived;
export type CoinstreamEvent = WalletEvent | CreatorEvent | PaymentEvent;
export type CoinstreamEventType = CoinstreamEvent['type'];

export const WALLET_EVENT_TYPES: readonly WalletEvent['type'][] = ['CoinsPurchased', 'GiftSent', 'ItemPurchased'];
export const CREATOR_EVENT_TYPES: readonly CreatorEvent['type'][] = [
  'CreatorRegistered',
  'DiamondsCredited',
  'DiamondsConverted',
];
export const PAYMENT_EVENT_TYPES: readonly PaymentEvent['type'][] = ['PaymentReceived'];
export const EVENT_TYPES: readonly CoinstreamEventType[] = [...WALLET_EVENT_TYPES, ...CREATOR_EVENT_TYPES, ...PAYMENT_EVENT_TYPES];

/** Current schema version of every event type; bumped together with an upcaster. */
export const SCHEMA_VERSION = 1;

export function isCoinstreamEvent(e: { type: string }): e is CoinstreamEvent {
  return (EVENT_TYPES as readonly string[]).includes(e.type);
}
