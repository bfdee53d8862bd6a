import type { EventStore, GlobalPosition, RecordedEvent } from '../../../event-store/src/event-store.port';
import type { Doc, ReadStore } from '../../../read-models/src/read-store.port';
import type { Projection } from '../../../read-models/src/projections/projection';
import {
  evolveCreator,
  evolveWallet,
  initialCreatorState,
  initialWalletState,
  parseStreamName,
  upcastEvent,
  type CoinsPurchased,
  type CreatorEvent,
  type CreatorState,
  type PaymentReceived,
  type WalletEvent,
  type WalletState,
} from '../../../domain/src';
import { canonicalJson } from '../canonical-json';

export type Violation = { rule: string; subject: string; detail: string; position?: string };

export type VerifyReport = {
  ok: boolean;
  eventsReplayed: number;
  headPosition: string;
  wallets: number;
  creators: number;
  coinsSold: number;
  coinsSpent: number;
  coinsOutstanding: number;
  revenueByCurrency: Record<string, number>;
  diamondsCredited: number;
  diamondsConverted: number;
  /** GiftSent events in the log. */
  giftsSent: number;
  /** Gifts the diamonds reactor has not credited yet (lag, not an error). */
  giftsAwaitingCredit: number;
  /**
   * Payments recorded whose wallet has no credit yet: a crash between the two appends of a
   * webhook, which the provider's retry completes. One that stays here was never retried.
   */
  paymentsAwaitingCredit: number;
  readModels: Array<{ projection: string; checkpoint: string | null; documents: number; mismatches: number }>;
  violations: Violation[];
};

export type VerifyProgress = { phase: 'events' | 'read-models'; done: number; total: number };

const PAGE = 5_000;
const MAX_LISTED = 100;

/**
 * The auditor's proof: replays the whole log, checks every invariant of DESIGN.md after every
 * event, and checks that each read model equals a replay of its projection into a fresh store.
 */
export async function verifyEconomy(deps: {
  eventStore: EventStore;
  readStore: ReadStore;
  projections: readonly Projection[];
  /** A fresh, empty store to replay the projections into (e.g. SQLite in memory). */
  scratchStore: ReadStore;
  onProgress?: (progress: VerifyProgress) => void;
}): Promise<VerifyReport> {
  const violations: Violation[] = [];
  const violate = (v: Violation): void => {
    if (violations.length < MAX_LISTED) violations.push(v);
  };
  const wallets = new Map<string, WalletState>();
  const creators = new Map<string, CreatorState>();
  const giftDiamonds = new Map<string, Array<{ position: bigint; diamonds: number }>>();
  const revenueByCurrency: Record<string, number> = {};
  const paymentsReceived = new Map<string, PaymentReceived['data']>();
  const paymentsCredited = new Map<string, Array<{ stream: string; data: CoinsPurchased['data']; position: string }>>();
  let coinsSold = 0;
  let coinsSpent = 0;
  let events = 0;
  const head = await deps.eventStore.headPosition();

  for (let after: GlobalPosition = 0n; ; ) {
    const page = await deps.eventStore.readAll({ after, maxCount: PAGE });
    if (page.length === 0) break;
    for (const recorded of page) {
      events += 1;
      checkEvent(recorded);
    }
    after = page[page.length - 1]!.position;
    deps.onProgress?.({ phase: 'events', done: Number(after), total: Number(head) });
    if (after >= head) break;
  }

  function checkEvent(recorded: RecordedEvent): void {
    const ref = parseStreamName(recorded.streamName);
    if (!ref) return;
    const data = upcastEvent(recorded.type, recorded.data, recorded.metadata.schemaVersion);
    const position = recorded.position.toString();
    if (ref.kind === 'wallet') {
      const event = { type: recorded.type, data } as WalletEvent;
      const state = evolveWallet(wallets.get(ref.userId) ?? initialWalletState(), event);
      wallets.set(ref.userId, state);
      if (event.type === 'CoinsPurchased') {
        const credits = paymentsCredited.get(event.data.paymentId) ?? [];
        credits.push({ stream: recorded.streamName, data: event.data, position });
        paymentsCredited.set(event.data.paymentId, credits);
        coinsSold += event.data.coins;
        revenueByCurrency[event.data.amount.currency] = (revenueByCurrency[event.data.amount.currency] ?? 0) + event.data.amount.value;
      } else {
        coinsSpent += event.data.coinsSpent;
      }
      if (event.type === 'GiftSent') {
        const list = giftDiamonds.get(event.data.creatorId) ?? [];
        list.push({ position: recorded.position, diamonds: event.data.diamonds });
        giftDiamonds.set(event.data.creatorId, list);
      }
      if (state.balance < 0) violate({ rule: 'wallet balance >= 0', subject: recorded.streamName, detail: `balance ${state.balance}`, position });
      if (state.balance !== state.coinsPurchased - state.coinsSpent) {
        violate({ rule: 'balance = purchased - spent', subject: recorded.streamName, detail: `${state.balance} != ${state.coinsPurchased} - ${state.coinsSpent}`, position });
      }
    } else if (ref.kind === 'payment') {
      const received = data as PaymentReceived['data'];
      if (!paymentsReceived.has(ref.paymentId)) paymentsReceived.set(ref.paymentId, received);
    } else {
      const event = { type: recorded.type, data } as CreatorEvent;
      const state = evolveCreator(creators.get(ref.creatorId) ?? initialCreatorState(), event);
      creators.set(ref.creatorId, state);
      if (state.diamondsAvailable < 0) violate({ rule: 'diamonds available >= 0', subject: recorded.streamName, detail: `available ${state.diamondsAvailable}`, position });
      if (event.type === 'DiamondsConverted') {
        const { diamonds, payout, rate } = event.data;
        if (payout.value * rate.diamonds !== diamonds * rate.payout.value || payout.currency !== rate.payout.currency) {
          violate({ rule: 'payout = converted diamonds x rate', subject: recorded.streamName, detail: `${diamonds} diamonds paid ${payout.value} ${payout.currency}`, position });
        }
      }
    }
  }

  let giftsSent = 0;
  let giftsAwaitingCredit = 0;
  let diamondsCredited = 0;
  let diamondsConverted = 0;
  for (const creatorId of new Set([...creators.keys(), ...giftDiamonds.keys()])) {
    const state = creators.get(creatorId) ?? initialCreatorState();
    diamondsCredited += state.diamondsEarned;
    diamondsConverted += state.diamondsConverted;
    const last = state.lastCreditedGiftPosition ?? 0n;
    const gifts = giftDiamonds.get(creatorId) ?? [];
    giftsSent += gifts.length;
    const due = gifts.filter((g) => g.position <= last).reduce((sum, g) => sum + g.diamonds, 0);
    giftsAwaitingCredit += gifts.filter((g) => g.position > last).length;
    if (due !== state.diamondsEarned) {
      violate({ rule: 'diamonds credited = sum of gifts', subject: `creator-${creatorId}`, detail: `credited ${state.diamondsEarned}, gifts ${due}` });
    }
  }
  let paymentsAwaitingCredit = 0;
  for (const [paymentId, received] of paymentsReceived) {
    if (!paymentsCredited.has(paymentId)) paymentsAwaitingCredit += 1;
    for (const credit of paymentsCredited.get(paymentId) ?? []) {
      if (credit.data.userId !== received.userId || credit.data.amount.value !== received.amount.value || credit.data.amount.currency !== received.amount.currency) {
        violate({
          rule: 'a payment credits the wallet it was received for',
          subject: `payment-${paymentId}`,
          detail: `received for ${received.userId} (${received.amount.value} ${received.amount.currency}), credited in ${credit.stream} (${credit.data.amount.value} ${credit.data.amount.currency})`,
          position: credit.position,
        });
      }
    }
  }
  for (const [paymentId, credits] of paymentsCredited) {
    if (credits.length > 1) {
      violate({ rule: 'one payment credits once', subject: `payment-${paymentId}`, detail: `credited ${credits.length} times: ${credits.map((c) => c.stream).join(', ')}`, position: credits[1]!.position });
    }
  }
  const balances = [...wallets.values()].reduce((sum, w) => sum + w.balance, 0);
  if (coinsSold !== balances + coinsSpent) {
    violate({ rule: 'coins sold = balances + spent', subject: 'economy', detail: `${coinsSold} != ${balances} + ${coinsSpent}` });
  }

  const readModels = await compareReadModels(deps, violate);
  return {
    ok: violations.length === 0,
    eventsReplayed: events,
    headPosition: head.toString(),
    wallets: wallets.size,
    creators: creators.size,
    coinsSold,
    coinsSpent,
    coinsOutstanding: coinsSold - coinsSpent,
    revenueByCurrency,
    diamondsCredited,
    diamondsConverted,
    giftsSent,
    giftsAwaitingCredit,
    paymentsAwaitingCredit,
    readModels,
    violations,
  };
}

/** Each projection is replayed up to its live checkpoint into the scratch store, then compared. */
async function compareReadModels(
  deps: Parameters<typeof verifyEconomy>[0],
  violate: (v: Violation) => void,
): Promise<VerifyReport['readModels']> {
  await deps.scratchStore.init(deps.projections);
  const results: VerifyReport['readModels'] = [];
  for (const projection of deps.projections) {
    const checkpoint = await deps.readStore.checkpoint(projection.name);
    let after = 0n;
    while (checkpoint !== null && after < checkpoint) {
      const page = (await deps.eventStore.readAll({ after, maxCount: PAGE })).filter((e) => e.position <= checkpoint);
      if (page.length === 0) break;
      const last = page[page.length - 1]!.position;
      await deps.scratchStore.applyBatch(projection.name, page.flatMap((e) => projection.project(e)), last);
      after = last;
      deps.onProgress?.({ phase: 'read-models', done: Number(after), total: Number(checkpoint) });
    }
    let documents = 0;
    let mismatches = 0;
    for (const collection of projection.collections) {
      const live = await allDocs(deps.readStore, collection.name);
      const replayed = await allDocs(deps.scratchStore, collection.name);
      documents += live.size;
      for (const id of new Set([...live.keys(), ...replayed.keys()])) {
        const a = live.get(id);
        const b = replayed.get(id);
        if (a === undefined || b === undefined || canonicalJson(a) !== canonicalJson(b)) {
          mismatches += 1;
          violate({
            rule: 'read model = replay from 0',
            subject: `${collection.name}/${id}`,
            detail: `live ${a === undefined ? 'missing' : canonicalJson(a)}; replay ${b === undefined ? 'missing' : canonicalJson(b)}`,
          });
        }
      }
    }
    results.push({ projection: projection.name, checkpoint: checkpoint?.toString() ?? null, documents, mismatches });
  }
  return results;
}

async function allDocs(store: ReadStore, collection: string): Promise<Map<string, Doc>> {
  const docs = new Map<string, Doc>();
  let startAfter: string[] | undefined;
  for (;;) {
    const page = await store.find(collection, { orderBy: [['_id', 'asc']], ...(startAfter && { startAfter }), limit: PAGE });
    for (const doc of page) docs.set(doc._id, doc);
    if (page.length < PAGE) return docs;
    startAfter = [page[page.length - 1]!._id];
  }
}
