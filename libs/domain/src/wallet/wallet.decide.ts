import type { Catalog } from '../catalog/catalog';
import { findGift, findItem, itemTakesTarget } from '../catalog/catalog';
import type { PurchaseCoins, PurchaseItem, SendGift, WalletCommand } from '../commands';
import { reject } from '../errors';
import type { CoinsPurchased, GiftSent, ItemPurchased, WalletEvent } from '../events';
import { multiplyExactly, requirePositiveInteger } from '../integers';
import { paidPackage } from '../payment/paid-package';
import type { WalletState } from './wallet';

/** The rules of a wallet: what a command may append to `wallet-{userId}`, or why it is refused. */
export function decideWallet(command: WalletCommand, state: WalletState, catalog: Catalog): WalletEvent[] {
  switch (command.type) {
    case 'PurchaseCoins':
      return purchaseCoins(command, state, catalog);
    case 'SendGift':
      return [sendGift(command, state, catalog)];
    case 'PurchaseItem':
      return [purchaseItem(command, state, catalog)];
    default:
      return unknownCommand(command);
  }
}

function purchaseCoins({ data }: PurchaseCoins, state: WalletState, catalog: Catalog): CoinsPurchased[] {
  // A provider retry is answered with the first result, even if the catalog has changed since.
  if (state.paymentIds.has(data.paymentId)) return [];
  const pkg = paidPackage(catalog, data);
  return [
    {
      type: 'CoinsPurchased',
      data: {
        userId: data.userId,
        paymentId: data.paymentId,
        packageId: pkg.packageId,
        region: pkg.region,
        channel: pkg.channel,
        coins: pkg.coins,
        amount: pkg.price,
        purchasedAt: data.now,
      },
    },
  ];
}

function sendGift({ data }: SendGift, state: WalletState, catalog: Catalog): GiftSent {
  requirePositiveInteger(data.quantity, 'gift quantity');
  const gift = findGift(catalog, data.giftId) ?? reject('UNKNOWN_GIFT', `Gift ${data.giftId} is not in the catalog.`, { giftId: data.giftId });
  if (data.senderId === data.creatorId) {
    reject('SELF_GIFT', 'A creator cannot send a gift to themselves.', { creatorId: data.creatorId });
  }
  const coinsSpent = multiplyExactly(gift.coins, data.quantity, 'gift coins');
  const diamonds = multiplyExactly(gift.diamonds, data.quantity, 'gift diamonds');
  requireCoins(state, coinsSpent);
  return {
    type: 'GiftSent',
    data: {
      giftTxnId: data.giftTxnId,
      senderId: data.senderId,
      creatorId: data.creatorId,
      giftId: gift.giftId,
      quantity: data.quantity,
      coinsSpent,
      diamonds,
      sentAt: data.now,
    },
  };
}

function purchaseItem({ data }: PurchaseItem, state: WalletState, catalog: Catalog): ItemPurchased {
  requirePositiveInteger(data.quantity, 'item quantity');
  const item = findItem(catalog, data.itemId) ?? reject('UNKNOWN_ITEM', `Item ${data.itemId} is not in the catalog.`, { itemId: data.itemId });
  const coinsSpent = multiplyExactly(item.coins, data.quantity, 'item coins');
  requireCoins(state, coinsSpent);
  const event: ItemPurchased = {
    type: 'ItemPurchased',
    data: {
      purchaseId: data.purchaseId,
      userId: data.userId,
      itemId: item.itemId,
      itemKind: item.kind,
      quantity: data.quantity,
      coinsSpent,
      purchasedAt: data.now,
    },
  };
  // Only a promotion has something to boost; a target sent with a sticker is not recorded.
  if (data.target !== undefined && itemTakesTarget(item)) event.data.target = data.target;
  return event;
}

// The balance never goes below zero: spending more than it holds is refused, not clamped.
function requireCoins(state: WalletState, required: number): void {
  if (state.balance < required) {
    reject('INSUFFICIENT_COINS', `The wallet holds ${state.balance} coins; ${required} are needed.`, {
      balance: state.balance,
      required,
    });
  }
}

function unknownCommand(command: never): never {
  throw new TypeError(`Unknown wallet command ${(command as { type?: unknown }).type}`);
}
