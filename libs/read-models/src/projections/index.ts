import { analyticsProjection } from './analytics.projection';
import { creatorEarningsProjection } from './creator-earnings.projection';
import type { Projection } from './projection';
import { walletTransactionsProjection } from './wallet-transactions.projection';
import { walletsProjection } from './wallets.projection';

export type { Projection } from './projection';
export { positionKey, positionString } from './recorded';
export * from './analytics.projection';
export * from './creator-earnings.projection';
export * from './wallet-transactions.projection';
export * from './wallets.projection';

/** Every read model the projector keeps, in the order they are applied to a batch. */
export const allProjections: Projection[] = [
  walletsProjection,
  walletTransactionsProjection,
  creatorEarningsProjection,
  analyticsProjection,
];
