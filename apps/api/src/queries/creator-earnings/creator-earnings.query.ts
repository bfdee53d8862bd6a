import { Inject } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { Money } from '../../../../../libs/domain/src';
import type { EconomyRuntime } from '../../../../../libs/runtime/src/economy-runtime';
import { ApiError } from '../../http/api-error';
import { RUNTIME } from '../../runtime.token';
import { ReadSide } from '../read-side';

export type CreatorEarningsView = {
  creatorId: string;
  diamondsEarned: number;
  diamondsConverted: number;
  diamondsAvailable: number;
  payouts: Money;
  giftsReceived: number;
  topGifts: Array<{ giftId: string; quantity: number; diamonds: number }>;
  topSupporters: Array<{ userId: string; diamonds: number; gifts: number }>;
  asOfPosition: number;
};

const TOP = 5;

export class GetCreatorEarningsQuery extends Query<CreatorEarningsView> {
  constructor(readonly creatorId: string, readonly minPosition: bigint | undefined) {
    super();
  }
}

@QueryHandler(GetCreatorEarningsQuery)
export class GetCreatorEarningsHandler implements IQueryHandler<GetCreatorEarningsQuery> {
  constructor(private readonly readSide: ReadSide, @Inject(RUNTIME) private readonly runtime: EconomyRuntime) {}

  async execute({ creatorId, minPosition }: GetCreatorEarningsQuery): Promise<CreatorEarningsView> {
    return this.readSide.read(minPosition, async () => {
      const store = this.readSide.store;
      const earnings = await store.get('creatorEarnings', creatorId);
      if (!earnings || earnings.registered !== true) {
        throw new ApiError(404, 'UNKNOWN_CREATOR', `No creator ${creatorId}.`, { creatorId });
      }
      const byCreator = { where: { creatorId }, orderBy: [['diamonds', 'desc'], ['_id', 'asc']] as const, limit: TOP };
      const [gifts, supporters] = await Promise.all([
        store.find('creatorGiftTotals', byCreator),
        store.find('creatorSupporters', byCreator),
      ]);
      const payoutCurrency = (earnings.payoutCurrency as string | null) ?? this.runtime.catalog.conversion.rate.payout.currency;
      return {
        creatorId,
        diamondsEarned: Number(earnings.diamondsEarned ?? 0),
        diamondsConverted: Number(earnings.diamondsConverted ?? 0),
        diamondsAvailable: Number(earnings.diamondsAvailable ?? 0),
        payouts: { value: Number(earnings.payoutMinor ?? 0), currency: payoutCurrency },
        giftsReceived: Number(earnings.giftsReceived ?? 0),
        topGifts: gifts.map((g) => ({ giftId: String(g.giftId), quantity: Number(g.quantity), diamonds: Number(g.diamonds) })),
        topSupporters: supporters.map((s) => ({ userId: String(s.userId), diamonds: Number(s.diamonds), gifts: Number(s.gifts) })),
      };
    });
  }
}
