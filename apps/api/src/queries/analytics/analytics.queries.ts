import { Inject, Injectable } from '@nestjs/common';
import { CREATOR_DAILY_CREDITS, DIAMOND_TOTALS, DIAMOND_TOTALS_ID, ECONOMY_TOTALS, ECONOMY_TOTALS_ID, GIFTER_DAILY, GIFT_POPULARITY, REVENUE_DAILY } from '../../../../../libs/read-models/src/projections';
import type { Doc, ReadStore } from '../../../../../libs/read-models/src/read-store.port';
import type { EconomyRuntime } from '../../../../../libs/runtime/src/economy-runtime';
import { RUNTIME } from '../../runtime.token';

export type DayRange = { from: string; to: string };

const PAGE = 1_000;

/** Walks every daily document of a range in pages (keyset on day, then id). */
async function* dailyDocs(store: ReadStore, collection: string, range: DayRange): AsyncGenerator<Doc> {
  let startAfter: string[] | undefined;
  for (;;) {
    const docs = await store.find(collection, {
      range: { field: 'day', gte: range.from, lt: range.to },
      orderBy: [['day', 'asc'], ['_id', 'asc']],
      ...(startAfter && { startAfter }),
      limit: PAGE,
    });
    yield* docs;
    if (docs.length < PAGE) return;
    const last = docs[docs.length - 1]!;
    startAfter = [String(last.day), last._id];
  }
}

/** Largest first; ties in id order, so a leaderboard is stable. */
function top<T extends Record<string, unknown>>(totals: Map<string, T>, by: keyof T, limit: number): T[] {
  return [...totals.entries()]
    .sort(([idA, a], [idB, b]) => Number(b[by]) - Number(a[by]) || idA.localeCompare(idB))
    .slice(0, limit)
    .map(([, total]) => total);
}

/** Analysts' reports, computed from the daily aggregates of the analytics and creatorAnalytics projections. */
@Injectable()
export class AnalyticsQueries {
  constructor(@Inject(RUNTIME) private readonly runtime: EconomyRuntime) {}

  private get store(): ReadStore {
    return this.runtime.readStore;
  }

  async creatorLeaderboard(range: DayRange, limit: number) {
    const totals = new Map<string, { creatorId: string; diamonds: number; gifts: number }>();
    for await (const d of dailyDocs(this.store, CREATOR_DAILY_CREDITS, range)) {
      const id = String(d.creatorId);
      const t = totals.get(id) ?? { creatorId: id, diamonds: 0, gifts: 0 };
      t.diamonds += Number(d.diamonds ?? 0);
      t.gifts += Number(d.gifts ?? 0);
      totals.set(id, t);
    }
    return { items: top(totals, 'diamonds', limit), nextCursor: null, ...range };
  }

  async gifterLeaderboard(range: DayRange, limit: number) {
    const totals = new Map<string, { userId: string; coinsSpent: number; gifts: number }>();
    for await (const d of dailyDocs(this.store, GIFTER_DAILY, range)) {
      const id = String(d.userId);
      const t = totals.get(id) ?? { userId: id, coinsSpent: 0, gifts: 0 };
      t.coinsSpent += Number(d.coinsSpent ?? 0);
      t.gifts += Number(d.gifts ?? 0);
      totals.set(id, t);
    }
    return { items: top(totals, 'coinsSpent', limit), nextCursor: null, ...range };
  }

  /** Revenue is never summed across currencies: every row is one currency. */
  async revenue(range: DayRange, groupBy: 'day' | 'region' | 'channel' | 'currency') {
    const rows = new Map<string, { key: string; currency: string; amount: { value: number; currency: string }; coins: number; purchases: number }>();
    for await (const d of dailyDocs(this.store, REVENUE_DAILY, range)) {
      const currency = String(d.currency);
      const key = groupBy === 'currency' ? currency : String(d[groupBy]);
      const id = `${key}|${currency}`;
      const row = rows.get(id) ?? { key, currency, amount: { value: 0, currency }, coins: 0, purchases: 0 };
      row.amount.value += Number(d.amountMinor ?? 0);
      row.coins += Number(d.coins ?? 0);
      row.purchases += Number(d.purchases ?? 0);
      rows.set(id, row);
    }
    const items = [...rows.values()]
      .sort((a, b) => a.key.localeCompare(b.key) || a.currency.localeCompare(b.currency))
      .map(({ key, ...row }) => ({ [groupBy]: key, ...row }));
    return { items, nextCursor: null, groupBy, ...range };
  }

  async giftPopularity(limit: number) {
    const docs = await this.store.find(GIFT_POPULARITY, { orderBy: [['_id', 'asc']], limit: 10_000 });
    const items = docs
      .map((d) => ({ giftId: d._id, quantity: Number(d.quantity ?? 0), coins: Number(d.coins ?? 0), transactions: Number(d.transactions ?? 0) }))
      .sort((a, b) => b.quantity - a.quantity || a.giftId.localeCompare(b.giftId))
      .slice(0, limit);
    return { items, nextCursor: null };
  }

  /** What the economy owes: unspent coins, and unconverted diamonds valued at the rate in force. */
  async liability() {
    // Coins from the wallet streams' totals (analytics), diamonds from the creator streams' (creatorAnalytics).
    const [coinTotals, diamondTotals] = await Promise.all([this.store.get(ECONOMY_TOTALS, ECONOMY_TOTALS_ID), this.store.get(DIAMOND_TOTALS, DIAMOND_TOTALS_ID)]);
    const coins = (field: string): number => Number(coinTotals?.[field] ?? 0);
    const diamonds = (field: string): number => Number(diamondTotals?.[field] ?? 0);
    const coinsSpent = coins('coinsSpentOnGifts') + coins('coinsSpentOnItems');
    const diamondsOutstanding = diamonds('diamondsCredited') - diamonds('diamondsConverted');
    const { rate } = this.runtime.catalog.conversion;
    return {
      coinsSold: coins('coinsSold'),
      coinsSpent,
      coinsOutstanding: coins('coinsSold') - coinsSpent,
      diamondsCredited: diamonds('diamondsCredited'),
      diamondsConverted: diamonds('diamondsConverted'),
      diamondsOutstanding,
      diamondsOutstandingValue: {
        value: Math.floor((diamondsOutstanding * rate.payout.value) / rate.diamonds),
        currency: rate.payout.currency,
      },
    };
  }
}
