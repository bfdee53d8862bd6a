import type { RecordedEvent } from '../../../event-store/src/event-store.port';
import type { DocOp } from '../read-store.port';
import { type Projection, upsert } from './projection';
import { domainEventOf, occurredAtOf, positionString, walletOwnerOf } from './recorded';

/** wallets: one document per user, `{ _id: userId, userId, balance, coinsPurchased, coinsSpent, updatedAt, lastPosition }`. */
export const WALLETS = 'wallets';

function walletOp(event: RecordedEvent, userId: string, purchased: number, spent: number): DocOp {
  return upsert(
    WALLETS,
    userId,
    { userId, updatedAt: occurredAtOf(event), lastPosition: positionString(event.position) },
    { balance: purchased - spent, coinsPurchased: purchased, coinsSpent: spent },
  );
}

export const walletsProjection: Projection = {
  name: 'wallets',
  collections: [{ name: WALLETS, indexes: [] }],
  eventTypes: ['CoinsPurchased', 'GiftSent', 'ItemPurchased'],
  project(event) {
    const domain = domainEventOf(event);
    if (!domain) return [];
    const streamUser = walletOwnerOf(event);
    switch (domain.type) {
      case 'CoinsPurchased':
        return [walletOp(event, streamUser ?? domain.data.userId, domain.data.coins, 0)];
      case 'GiftSent':
        return [walletOp(event, streamUser ?? domain.data.senderId, 0, domain.data.coinsSpent)];
      case 'ItemPurchased':
        return [walletOp(event, streamUser ?? domain.data.userId, 0, domain.data.coinsSpent)];
      default:
        return [];
    }
  },
};
