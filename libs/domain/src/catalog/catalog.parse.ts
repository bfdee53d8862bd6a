import { CURRENCY_PATTERN, type Money } from '../money';
import { isId } from '../ids';
import {
  CHANNELS,
  ITEM_KINDS,
  type Catalog,
  type Channel,
  type CoinPackage,
  type ConversionPolicy,
  type Gift,
  type Item,
  type ItemKind,
  type Region,
} from './catalog';

/** A catalog that cannot be trusted with money; the message names the bad path in one sentence. */
export class CatalogError extends Error {
  override readonly name = 'CatalogError';
  constructor(
    readonly path: string,
    problem: string,
  ) {
    super(`catalog: ${path} ${problem}`);
  }
}

const REGION_PATTERN = /^[A-Z]{2}$/;
const NAME_MAX = 64;

const fail = (path: string, problem: string): never => {
  throw new CatalogError(path, problem);
};

type Fields = Record<string, unknown>;

function object(value: unknown, path: string, required: readonly string[], optional: readonly string[] = []): Fields {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail(path, 'must be an object');
  const fields = value as Fields;
  for (const key of required) if (!Object.hasOwn(fields, key)) fail(`${path}.${key}`, 'is missing');
  for (const key of Object.keys(fields)) {
    if (!required.includes(key) && !optional.includes(key)) fail(`${path}.${key}`, 'is not a known field');
  }
  return fields;
}

function list(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value) || value.length === 0) return fail(path, 'must be a non-empty array');
  return value;
}

function positiveInteger(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    return fail(path, 'must be a positive integer');
  }
  return value;
}

function identifier(value: unknown, path: string): string {
  if (!isId(value)) return fail(path, 'must be 1 to 128 letters, digits or ._:@|-');
  return value;
}

function name(value: unknown, path: string): string {
  if (typeof value !== 'string' || value.trim() === '' || value.length > NAME_MAX) {
    return fail(path, `must be a non-blank string of at most ${NAME_MAX} characters`);
  }
  return value;
}

function currency(value: unknown, path: string): string {
  if (typeof value !== 'string' || !CURRENCY_PATTERN.test(value)) return fail(path, 'must be an ISO 4217 code such as USD');
  return value;
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], path: string): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    return fail(path, `must be one of ${allowed.join(', ')}`);
  }
  return value as T;
}

/** Fails on the second occurrence of an id, naming where the first one was. */
function requireUnique(ids: readonly string[], path: (i: number) => string): void {
  const seen = new Map<string, number>();
  ids.forEach((id, i) => {
    const first = seen.get(id);
    if (first !== undefined) fail(path(i), `duplicates ${path(first)} (${id})`);
    seen.set(id, i);
  });
}

function parseRegion(value: unknown, path: string): Region {
  const f = object(value, path, ['region', 'currency', 'channels']);
  if (typeof f.region !== 'string' || !REGION_PATTERN.test(f.region)) {
    fail(`${path}.region`, 'must be a two-letter upper-case region code such as US');
  }
  const channels = list(f.channels, `${path}.channels`).map((c, i) => oneOf(c, CHANNELS, `${path}.channels[${i}]`));
  requireUnique(channels, (i) => `${path}.channels[${i}]`);
  return { region: f.region as string, currency: currency(f.currency, `${path}.currency`), channels };
}

function parseCoinPackage(value: unknown, path: string, regions: readonly Region[]): CoinPackage {
  const f = object(value, path, ['packageId', 'coins', 'prices']);
  const pricesPath = `${path}.prices`;
  const priced = object(f.prices, pricesPath, [], regions.map((r) => r.region));
  if (Object.keys(priced).length === 0) fail(pricesPath, 'must price the package in at least one region');
  const prices: Record<string, Partial<Record<Channel, Money>>> = {};
  for (const region of regions) {
    if (!Object.hasOwn(priced, region.region)) continue;
    const regionPath = `${pricesPath}.${region.region}`;
    const byChannel = object(priced[region.region], regionPath, region.channels);
    prices[region.region] = Object.fromEntries(
      region.channels.map((c) => [c, { value: positiveInteger(byChannel[c], `${regionPath}.${c}`), currency: region.currency }]),
    );
  }
  return {
    packageId: identifier(f.packageId, `${path}.packageId`),
    coins: positiveInteger(f.coins, `${path}.coins`),
    prices,
  };
}

function parseGift(value: unknown, path: string, diamondsPerCoin: number): Gift {
  const f = object(value, path, ['giftId', 'name', 'coins']);
  const coins = positiveInteger(f.coins, `${path}.coins`);
  const diamonds = coins * diamondsPerCoin;
  if (!Number.isSafeInteger(diamonds)) fail(`${path}.coins`, 'times diamondsPerCoin must be a safe integer');
  return { giftId: identifier(f.giftId, `${path}.giftId`), name: name(f.name, `${path}.name`), coins, diamonds };
}

function parseItem(value: unknown, path: string): Item {
  const f = object(value, path, ['itemId', 'name', 'kind', 'coins']);
  return {
    itemId: identifier(f.itemId, `${path}.itemId`),
    name: name(f.name, `${path}.name`),
    kind: oneOf<ItemKind>(f.kind, ITEM_KINDS, `${path}.kind`),
    coins: positiveInteger(f.coins, `${path}.coins`),
  };
}

function parseConversion(value: unknown, path: string): ConversionPolicy {
  const f = object(value, path, ['rate', 'minimumDiamonds']);
  const rate = object(f.rate, `${path}.rate`, ['diamonds', 'payout']);
  const payout = object(rate.payout, `${path}.rate.payout`, ['value', 'currency']);
  const policy = {
    rate: {
      diamonds: positiveInteger(rate.diamonds, `${path}.rate.diamonds`),
      payout: {
        value: positiveInteger(payout.value, `${path}.rate.payout.value`),
        currency: currency(payout.currency, `${path}.rate.payout.currency`),
      },
    },
    minimumDiamonds: positiveInteger(f.minimumDiamonds, `${path}.minimumDiamonds`),
  };
  // Below one rate unit a conversion would pay nothing at all.
  if (policy.minimumDiamonds < policy.rate.diamonds) {
    fail(`${path}.minimumDiamonds`, `must be at least ${path}.rate.diamonds`);
  }
  return policy;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}

/** Validates untrusted catalog JSON and returns a frozen Catalog, or throws a CatalogError. */
export function parseCatalog(json: unknown): Catalog {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new CatalogError('root', 'must be a JSON object');
  }
  const f = object(json, 'root', ['version', 'regions', 'coinPackages', 'gifts', 'diamondsPerCoin', 'items', 'conversion'], ['notes']);
  const at = (key: string, i: number): string => `${key}[${i}]`;

  const notes = f.notes === undefined ? [] : list(f.notes, 'notes');
  notes.forEach((n, i) => typeof n !== 'string' && fail(at('notes', i), 'must be a string'));

  const regions = list(f.regions, 'regions').map((r, i) => parseRegion(r, at('regions', i)));
  requireUnique(regions.map((r) => r.region), (i) => `${at('regions', i)}.region`);

  const coinPackages = list(f.coinPackages, 'coinPackages').map((p, i) => parseCoinPackage(p, at('coinPackages', i), regions));
  requireUnique(coinPackages.map((p) => p.packageId), (i) => `${at('coinPackages', i)}.packageId`);
  regions.forEach((r, i) => {
    if (!coinPackages.some((p) => Object.hasOwn(p.prices, r.region))) fail(at('regions', i), `(${r.region}) has no coin package priced in it`);
  });

  const diamondsPerCoin = positiveInteger(f.diamondsPerCoin, 'diamondsPerCoin');
  const gifts = list(f.gifts, 'gifts').map((g, i) => parseGift(g, at('gifts', i), diamondsPerCoin));
  requireUnique(gifts.map((g) => g.giftId), (i) => `${at('gifts', i)}.giftId`);

  const items = list(f.items, 'items').map((it, i) => parseItem(it, at('items', i)));
  requireUnique(items.map((it) => it.itemId), (i) => `${at('items', i)}.itemId`);

  return deepFreeze({
    version: positiveInteger(f.version, 'version'),
    notes: notes as string[],
    regions,
    coinPackages,
    gifts,
    diamondsPerCoin,
    items,
    conversion: parseConversion(f.conversion, 'conversion'),
  });
}
