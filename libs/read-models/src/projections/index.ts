import { analyticsProjection } from './analytics.projection';
import { creatorAnalyticsProjection } from './creator-analytics.projection';
import { creatorEarningsProjection } from './creator-earnings.projection';
import type { Projection } from './projection';
import { walletsProjection } from './wallets.projection';

export type { Projection } from './projection';
export { positionKey, positionString } from './recorded';
export * from './analytics.projection';
export * from './creator-analytics.projection';
export * from './creator-earnings.projection';
export * from './wallets.projection';

/**
 * Every read model the projector keeps, in the order they are applied to a batch. A wallet's
 * transactions are not one of them: they are its stream, read as it is (queries/wallets).
 */
export const allProjections: Projection[] = [walletsProjection, creatorEarningsProjection, analyticsProjection, creatorAnalyticsProjection];
