import type { RecordedEvent } from '../../../../../libs/event-store/src/event-store.port';
import { positionToJson } from '../../../../../libs/event-store/src/event-store.port';
import { isCoinstreamEvent, upcastEvent, type WalletEvent } from '../../../../../libs/domain/src';

export type WalletTransactionKind = 'coins_purchased' | 'gift_sent' | 'item_purchased';

export type WalletTransactionView = {
  transactionId: string;
  kind: WalletTransactionKind;
  /** Signed: what the transaction added to the balance. */
  coins: number;
  details: Record<string, unknown>;
  /** The business time of the transaction (when it was decided). */
  occurredAt: string;
  position: number;
};

/**
 * A wallet's transaction, read off its own stream: the wallet stream is the wallet's ledger, every
 * event of it a purchase, a gift or an item purchase. Null for an event of another kind.
 */
export function walletTransactionOf(recorded: RecordedEvent): WalletTransactionView | null {
  if (!isCoinstreamEvent(recorded)) return null;
  const event = { type: recorded.type, data: upcastEvent(recorded.type, recorded.data, recorded.metadata.schemaVersion) } as WalletEvent;
  const common = { transactionId: recorded.eventId, position: positionToJson(recorded.position) };
  switch (event.type) {
    case 'CoinsPurchased': {
      const { paymentId, packageId, amount, region, channel, coins, purchasedAt } = event.data;
      return { ...common, kind: 'coins_purchased', coins, details: { paymentId, packageId, amount, region, channel }, occurredAt: purchasedAt };
    }
    case 'GiftSent': {
      const { giftTxnId, creatorId, giftId, quantity, diamonds, coinsSpent, sentAt } = event.data;
      return { ...common, kind: 'gift_sent', coins: 0 - coinsSpent, details: { giftTxnId, creatorId, giftId, quantity, diamonds }, occurredAt: sentAt };
    }
    case 'ItemPurchased': {
      const { purchaseId, itemId, itemKind, quantity, coinsSpent, purchasedAt } = event.data;
      // null, not undefined: a promotion's target is always a key of the details.
      const details = { purchaseId, itemId, itemKind, quantity, target: event.data.target ?? null };
      return { ...common, kind: 'item_purchased', coins: 0 - coinsSpent, details, occurredAt: purchasedAt };
    }
    default:
      return null;
  }
}
