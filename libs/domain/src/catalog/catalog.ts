import type { Money } from '../money';
import { parseCatalog } from './catalog.parse';
import catalogData from './catalog.data.json';

/**
 * The price list of the economy: coin packages per region and payment channel, gifts, in-app
 * items and the diamond conversion policy. Data, not code: changing a price is a catalog change.
 */
export const CHANNELS = ['web', 'app_store', 'google_play', 'card', 'mobile_payment'] as const;
export type Channel = (typeof CHANNELS)[number];

export const ITEM_KINDS = ['effect', 'filter', 'sticker', 'promotion'] as const;
export type ItemKind = (typeof ITEM_KINDS)[number];

export type Region = {
  readonly region: string;
  readonly currency: string;
  /** Channels sold in this region; every package offered here is priced for each of them. */
  readonly channels: readonly Channel[];
};

export type CoinPackage = {
  readonly packageId: string;
  readonly coins: number;
  /** region -> channel -> price in the region's currency. */
  readonly prices: Readonly<Record<string, Readonly<Partial<Record<Channel, Money>>>>>;
};

/** A coin package as sold in one region through one channel. */
export type PricedCoinPackage = {
  readonly packageId: string;
  readonly coins: number;
  readonly region: string;
  readonly channel: Channel;
  readonly price: Money;
};

export type Gift = {
  readonly giftId: string;
  readonly name: string;
  readonly coins: number;
  /** What the creator is credited for one of this gift: coins × catalog.diamondsPerCoin. */
  readonly diamonds: number;
};

export type Item = {
  readonly itemId: string;
  readonly name: string;
  readonly kind: ItemKind;
  readonly coins: number;
};

export type ConversionRate = { readonly diamonds: number; readonly payout: Money };

export type ConversionPolicy = {
  /** `rate.diamonds` diamonds pay `rate.payout` (minor units). */
  readonly rate: ConversionRate;
  readonly minimumDiamonds: number;
};

export type Catalog = {
  readonly version: number;
  readonly notes: readonly string[];
  readonly regions: readonly Region[];
  readonly coinPackages: readonly CoinPackage[];
  readonly gifts: readonly Gift[];
  readonly diamondsPerCoin: number;
  readonly items: readonly Item[];
  readonly conversion: ConversionPolicy;
};

export { parseCatalog, CatalogError } from './catalog.parse';

let cachedDefault: Catalog | undefined;

/** The catalog shipped with the code (catalog.data.json), validated once. */
export function defaultCatalog(): Catalog {
  cachedDefault ??= parseCatalog(catalogData);
  return cachedDefault;
}

export function isChannel(value: string): value is Channel {
  return (CHANNELS as readonly string[]).includes(value);
}

export function findCoinPackage(
  catalog: Catalog,
  packageId: string,
  region: string,
  channel: string,
): PricedCoinPackage | undefined {
  const pkg = catalog.coinPackages.find((p) => p.packageId === packageId);
  if (!pkg || !isChannel(channel) || !Object.hasOwn(pkg.prices, region)) return undefined;
  const price = pkg.prices[region]?.[channel];
  return price ? { packageId: pkg.packageId, coins: pkg.coins, region, channel, price } : undefined;
}

/** Packages sold in that region through that channel, fewest coins first; empty when none. */
export function listCoinPackages(catalog: Catalog, region: string, channel: string): PricedCoinPackage[] {
  return catalog.coinPackages
    .map((p) => findCoinPackage(catalog, p.packageId, region, channel))
    .filter((p): p is PricedCoinPackage => p !== undefined)
    .sort((a, b) => a.coins - b.coins);
}

export function findGift(catalog: Catalog, giftId: string): Gift | undefined {
  return catalog.gifts.find((g) => g.giftId === giftId);
}

export function findItem(catalog: Catalog, itemId: string): Item | undefined {
  return catalog.items.find((i) => i.itemId === itemId);
}

/** Only promotions boost a target (a video); other kinds have nothing to point at. */
export function itemTakesTarget(item: Item): boolean {
  return item.kind === 'promotion';
}
