import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { ReadSide } from '../read-side';
import { decodeCursor, encodeCursor } from '../../http/request-parsing';
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

export type WalletTransactionView = {
  transactionId: string;
  kind: string;
  coins: number;
  details: Record<string, unknown>;
  occurredAt: string;
  position: number;
};

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

/** Newest first; the cursor is the last item's position key. */
@QueryHandler(ListWalletTransactionsQuery)
export class ListWalletTransactionsHandler implements IQueryHandler<ListWalletTransactionsQuery> {
  constructor(private readonly readSide: ReadSide) {}

  async execute({ userId, limit, cursor, minPosition }: ListWalletTransactionsQuery): Promise<Page<WalletTransactionView>> {
    const startAfter = decodeCursor(cursor, 1);
    return this.readSide.read(minPosition, async () => {
      const docs = await this.readSide.store.find('walletTransactions', {
        where: { userId },
        orderBy: [['positionKey', 'desc']],
        ...(startAfter && { startAfter }),
        limit: limit + 1,
      });
      const page = docs.slice(0, limit);
      const last = page[page.length - 1];
      return {
        items: page.map((d) => ({
          // The event's id; documents projected before eventId was stored have it as their _id.
          transactionId: typeof d.eventId === 'string' ? d.eventId : d._id,
          kind: String(d.kind),
          coins: Number(d.coins),
          details: (d.details ?? {}) as Record<string, unknown>,
          occurredAt: String(d.occurredAt),
          position: Number(d.position),
        })),
        nextCursor: docs.length > limit && last ? encodeCursor([String(last.positionKey)]) : null,
      };
    });
  }
}
