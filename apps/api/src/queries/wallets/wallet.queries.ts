import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { ReadSide } from '../read-side';
import { Inject } from '@nestjs/common';
import { encodeCursor, positionCursor } from '../../http/request-parsing';
import { walletStream } from '../../../../../libs/domain/src';
import type { EconomyRuntime } from '../../../../../libs/runtime/src/economy-runtime';
import { RUNTIME } from '../../runtime.token';
import { walletTransactionOf, type WalletTransactionView } from './wallet-transactions';
import { NotFoundError } from '../../../../../libs/application/src/errors';

export type WalletView = {
  userId: string;
  balance: number;
  coinsPurchased: number;
  coinsSpent: number;
  updatedAt: string | null;
  asOfPosition: number;
};

export class GetWalletQuery extends Query<WalletView> {
  /** `zeroIfMissing`: a caller's own wallet exists (empty) before the first purchase. */
  constructor(readonly userId: string, readonly minPosition: bigint | undefined, readonly zeroIfMissing: boolean) {
    super();
  }
}

@QueryHandler(GetWalletQuery)
export class GetWalletHandler implements IQueryHandler<GetWalletQuery> {
  constructor(private readonly readSide: ReadSide) {}

  async execute({ userId, minPosition, zeroIfMissing }: GetWalletQuery): Promise<WalletView> {
    return this.readSide.read(minPosition, async () => {
      const doc = await this.readSide.store.get('wallets', userId);
      if (!doc && !zeroIfMissing) throw new NotFoundError(`No wallet for user ${userId}.`, { userId });
      return {
        userId,
        balance: Number(doc?.balance ?? 0),
        coinsPurchased: Number(doc?.coinsPurchased ?? 0),
        coinsSpent: Number(doc?.coinsSpent ?? 0),
        updatedAt: (doc?.updatedAt as string | undefined) ?? null,
      };
    });
  }
}

export type Page<T> = { items: T[]; nextCursor: string | null; asOfPosition: number };

export class ListWalletTransactionsQuery extends Query<Page<WalletTransactionView>> {
  constructor(
    readonly userId: string,
    readonly limit: number,
    readonly cursor: string | undefined,
    readonly minPosition: bigint | undefined,
  ) {
    super();
  }
}

/**
 * Newest first, read off the wallet's own stream (its ledger: always current, and no second copy
 * of every wallet event in the read models). The cursor is the revision the next page starts at.
 */
@QueryHandler(ListWalletTransactionsQuery)
export class ListWalletTransactionsHandler implements IQueryHandler<ListWalletTransactionsQuery> {
  constructor(
    private readonly readSide: ReadSide,
    @Inject(RUNTIME) private readonly runtime: EconomyRuntime,
  ) {}

  async execute({ userId, limit, cursor, minPosition }: ListWalletTransactionsQuery): Promise<Page<WalletTransactionView>> {
    const startAt = positionCursor(cursor);
    const { eventStore } = this.runtime;
    return this.readSide.readLog(minPosition, async () => {
      const stream = walletStream(userId);
      const newest = startAt ?? (await eventStore.streamRevision(stream));
      if (newest === null) return { items: [], nextCursor: null };
      const oldest = newest >= BigInt(limit) ? newest - BigInt(limit) + 1n : 0n;
      const events = await eventStore.readStream(stream, { fromRevision: oldest, maxCount: Number(newest - oldest) + 1 });
      const items: WalletTransactionView[] = [];
      for (let i = events.length - 1; i >= 0; i -= 1) {
        const item = walletTransactionOf(events[i]!);
        if (item) items.push(item);
      }
      return { items, nextCursor: oldest > 0n ? encodeCursor([String(oldest - 1n)]) : null };
    });
  }
}
