import { CHANNELS, defaultCatalog } from './catalog/catalog';
import type { CreatorCommand, WalletCommand } from './commands';
import type { CreatorState } from './creator/creator';
import { creatorDecider, walletDecider, type Decider } from './decider';
import { BusinessRuleViolation, type BusinessRuleCode } from './errors';
import type { GiftSent } from './events';
import { NOW, convertDiamonds, creditDiamonds, purchaseCoins, purchaseItem, registerCreator, sendGift } from './testing/fixtures';
import type { WalletState } from './wallet/wallet';

// Seeded in the test so a failure replays exactly; the domain itself never draws random numbers.
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const catalog = defaultCatalog();
const wallet = walletDecider(catalog);
const creator = creatorDecider(catalog);
const USERS = ['ann', 'ben', 'cat', 'dan'];
const CREATORS = ['cat', 'dan'];

function checkWallet(s: WalletState): void {
  expect(s.balance).toBe(s.coinsPurchased - s.coinsSpent);
  expect(s.balance).toBeGreaterThanOrEqual(0);
}

function checkCreator(s: CreatorState): void {
  expect(s.diamondsAvailable).toBe(s.diamondsEarned - s.diamondsConverted);
  expect(s.diamondsAvailable).toBeGreaterThanOrEqual(0);
  // Payouts = converted diamonds × the rate in force (2 diamonds a cent).
  expect((s.payouts.USD ?? 0) * catalog.conversion.rate.diamonds).toBe(s.diamondsConverted * catalog.conversion.rate.payout.value);
}

it.each([1, 7, 42, 2025])('invariants hold after every event of a seeded random history (seed %i)', (seed) => {
  const random = mulberry32(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  const wallets = new Map(USERS.map((u) => [u, wallet.initialState()]));
  const creators = new Map(CREATORS.map((c) => [c, creator.initialState()]));
  const outcomes = new Map<string, number>();
  const count = (key: string) => outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
  const pendingCredits: { gift: GiftSent; position: bigint }[] = [];
  const credited: { gift: GiftSent; position: bigint }[] = [];
  const giftsSent: GiftSent[] = [];
  let position = 0n;
  let n = 0;

  // Runs a command as a handler would: decide, then append (evolve) one event at a time, checking after each.
  function run<S, C, E extends { type: string }>(d: Decider<S, C, E>, states: Map<string, S>, id: string, command: C, check: (s: S) => void): E[] {
    try {
      const events = d.decide(command, states.get(id)!);
      for (const event of events) {
        states.set(id, d.evolve(states.get(id)!, event));
        position += 1n;
        check(states.get(id)!);
        count(event.type);
      }
      if (events.length === 0) count('nothing to append');
      return events;
    } catch (error) {
      if (!(error instanceof BusinessRuleViolation)) throw error;
      count(error.code satisfies BusinessRuleCode);
      return [];
    }
  }

  const deliverCredit = (entry: { gift: GiftSent; position: bigint }) => {
    const { gift } = entry;
    const command: CreatorCommand = creditDiamonds(entry.position.toString(), gift.data.diamonds, {
      creatorId: gift.data.creatorId,
      giftTxnId: gift.data.giftTxnId,
      senderId: gift.data.senderId,
      giftId: gift.data.giftId,
      quantity: gift.data.quantity,
    });
    return run(creator, creators, gift.data.creatorId, command, checkCreator);
  };

  for (let step = 0; step < 3000; step++) {
    const roll = random();
    const user = pick(USERS);
    if (roll < 0.3) {
      const region = pick(catalog.regions);
      const channel = pick(CHANNELS);
      const pkg = pick(catalog.coinPackages);
      const price = pkg.prices[region.region]![channel]!;
      const wrong = random() < 0.1;
      const paymentId = random() < 0.1 && n > 0 ? `pay-${Math.floor(random() * n)}` : `pay-${n++}`;
      const command: WalletCommand = purchaseCoins({
        userId: user,
        paymentId,
        packageId: random() < 0.05 ? 'coins-1' : pkg.packageId,
        region: region.region,
        channel,
        amount: wrong ? { ...price, value: price.value + 1 } : price,
      });
      run(wallet, wallets, user, command, checkWallet);
    } else if (roll < 0.6) {
      const creatorId = pick(CREATORS);
      // The command handler checks the creator exists before the wallet decides.
      if (!creators.get(creatorId)!.registered) {
        count('UNKNOWN_CREATOR');
        continue;
      }
      const command = sendGift({ giftTxnId: `g-${step}`, senderId: user, creatorId, giftId: pick(catalog.gifts).giftId, quantity: 1 + Math.floor(random() * 5) });
      for (const gift of run(wallet, wallets, user, command, checkWallet) as GiftSent[]) {
        giftsSent.push(gift);
        pendingCredits.push({ gift, position });
      }
    } else if (roll < 0.7) {
      const command = purchaseItem({ purchaseId: `i-${step}`, userId: user, itemId: pick(catalog.items).itemId, quantity: 1 + Math.floor(random() * 3), target: 'video-1' });
      run(wallet, wallets, user, command, checkWallet);
    } else if (roll < 0.75) {
      const creatorId = pick(CREATORS);
      run(creator, creators, creatorId, registerCreator(creatorId), checkCreator);
    } else if (roll < 0.85) {
      const creatorId = pick(CREATORS);
      const diamonds = 15_000 + Math.floor(random() * 30_000);
      run(creator, creators, creatorId, convertDiamonds(diamonds, { conversionId: `c-${step}`, creatorId, now: NOW }), checkCreator);
    } else if (pendingCredits.length > 0) {
      // The reactor credits in global order; after a crash it may deliver an earlier gift again.
      if (random() < 0.2 && credited.length > 0) {
        expect(deliverCredit(pick(credited))).toEqual([]);
      } else {
        const next = pendingCredits.shift()!;
        expect(deliverCredit(next)).toHaveLength(1);
        credited.push(next);
      }
    }
  }
  for (const next of pendingCredits.splice(0)) expect(deliverCredit(next)).toHaveLength(1);

  // Diamonds credited to a creator = Σ diamonds of the gifts sent to them, redeliveries notwithstanding.
  for (const [creatorId, state] of creators) {
    const sent = giftsSent.filter((g) => g.data.creatorId === creatorId).reduce((sum, g) => sum + g.data.diamonds, 0);
    expect(state.diamondsEarned).toBe(sent);
  }
  // Coins sold = Σ balances + Σ spent.
  const all = [...wallets.values()];
  expect(all.reduce((s, w) => s + w.coinsPurchased, 0)).toBe(all.reduce((s, w) => s + w.balance + w.coinsSpent, 0));

  // The history really exercised the rules, so the checks above are not vacuous.
  for (const outcome of ['CoinsPurchased', 'GiftSent', 'ItemPurchased', 'DiamondsCredited', 'DiamondsConverted', 'CreatorRegistered', 'nothing to append', 'INSUFFICIENT_COINS', 'PRICE_MISMATCH', 'UNKNOWN_PACKAGE', 'SELF_GIFT', 'BELOW_MINIMUM_CONVERSION', 'INSUFFICIENT_DIAMONDS']) {
    expect({ outcome, seen: (outcomes.get(outcome) ?? 0) > 0 }).toEqual({ outcome, seen: true });
  }
});
