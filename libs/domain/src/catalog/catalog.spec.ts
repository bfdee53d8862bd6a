import { CHANNELS, defaultCatalog, findCoinPackage, findGift, findItem, listCoinPackages, parseCatalog } from './catalog';
import { catalogJson } from '../testing/catalog-variants';

describe('the default catalog', () => {
  const catalog = defaultCatalog();

  it('loads, is valid and cannot be changed at run time', () => {
    expect(parseCatalog(catalogJson())).toEqual(catalog);
    expect(Object.isFrozen(catalog)).toBe(true);
    expect(Object.isFrozen(catalog.coinPackages[0]?.prices.US?.web)).toBe(true);
    expect(defaultCatalog()).toBe(catalog);
  });

  it('sells the US packages at the store price tiers', () => {
    expect(listCoinPackages(catalog, 'US', 'app_store').map((p) => [p.packageId, p.coins, p.price.value])).toEqual([
      ['coins-70', 70, 99],
      ['coins-350', 350, 499],
      ['coins-700', 700, 999],
      ['coins-1400', 1400, 1999],
      ['coins-3500', 3500, 4999],
      ['coins-7000', 7000, 9999],
      ['coins-17500', 17500, 24999],
    ]);
    expect(listCoinPackages(catalog, 'US', 'google_play')).toEqual(
      listCoinPackages(catalog, 'US', 'app_store').map((p) => ({ ...p, channel: 'google_play' })),
    );
  });

  it('prices every package in every region for all five channels, in the region currency', () => {
    expect(catalog.regions.map((r) => r.region)).toEqual(expect.arrayContaining(['US', 'GB', 'DE', 'JP']));
    for (const region of catalog.regions) {
      expect(region.channels).toEqual(CHANNELS);
      for (const channel of CHANNELS) {
        const packages = listCoinPackages(catalog, region.region, channel);
        expect(packages).toHaveLength(catalog.coinPackages.length);
        for (const p of packages) expect(p.price.currency).toBe(region.currency);
      }
    }
    expect(findCoinPackage(catalog, 'coins-70', 'JP', 'app_store')?.price).toEqual({ value: 160, currency: 'JPY' });
  });

  it('makes web about 25% cheaper than app_store, card like web, mobile_payment in between', () => {
    for (const region of catalog.regions) {
      for (const pkg of catalog.coinPackages) {
        const price = (channel: string) => findCoinPackage(catalog, pkg.packageId, region.region, channel)!.price.value;
        const store = price('app_store');
        // Integer comparison: 74% ≤ web / store ≤ 76%.
        expect(price('web') * 100).toBeGreaterThanOrEqual(store * 74);
        expect(price('web') * 100).toBeLessThanOrEqual(store * 76);
        expect(price('card')).toBe(price('web'));
        expect(price('mobile_payment')).toBeGreaterThan(price('web'));
        expect(price('mobile_payment')).toBeLessThan(store);
      }
    }
  });

  it('has the gifts at their coin prices, crediting one diamond per coin', () => {
    expect(catalog.diamondsPerCoin).toBe(1);
    expect(catalog.gifts.map((g) => [g.giftId, g.name, g.coins, g.diamonds])).toEqual([
      ['rose', 'Rose', 1, 1],
      ['finger-heart', 'Finger Heart', 5, 5],
      ['perfume', 'Perfume', 20, 20],
      ['hat-and-mustache', 'Hat and Mustache', 99, 99],
      ['money-gun', 'Money Gun', 500, 500],
      ['galaxy', 'Galaxy', 1000, 1000],
      ['interstellar', 'Interstellar', 10000, 10000],
      ['lion', 'Lion', 29999, 29999],
      ['universe', 'Universe', 44999, 44999],
    ]);
  });

  it('converts 2 diamonds to 1 US cent from 20,000 diamonds', () => {
    expect(catalog.conversion).toEqual({ rate: { diamonds: 2, payout: { value: 1, currency: 'USD' } }, minimumDiamonds: 20000 });
  });

  it('sells effects, filters, stickers and promotions', () => {
    expect(new Set(catalog.items.map((i) => i.kind))).toEqual(new Set(['effect', 'filter', 'sticker', 'promotion']));
    expect(findItem(catalog, 'sticker-heart')).toEqual({ itemId: 'sticker-heart', name: 'Heart Sticker', kind: 'sticker', coins: 10 });
    expect(findItem(catalog, 'promotion-10k-views')?.coins).toBe(1800);
  });

  it('finds nothing for unknown ids, regions, channels or inherited property names', () => {
    expect(findCoinPackage(catalog, 'coins-70', 'FR', 'web')).toBeUndefined();
    expect(findCoinPackage(catalog, 'coins-70', 'US', 'fax')).toBeUndefined();
    expect(findCoinPackage(catalog, 'coins-70', 'constructor', 'web')).toBeUndefined();
    expect(findCoinPackage(catalog, 'coins-70', 'US', 'toString')).toBeUndefined();
    expect(findCoinPackage(catalog, 'coins-71', 'US', 'web')).toBeUndefined();
    expect(listCoinPackages(catalog, 'FR', 'web')).toEqual([]);
    expect(findGift(catalog, 'tulip')).toBeUndefined();
    expect(findItem(catalog, 'rose')).toBeUndefined();
  });
});

describe('parseCatalog refuses a catalog that cannot be trusted with money', () => {
  type Json = ReturnType<typeof catalogJson>;
  const cases: [string, (c: Json) => unknown, string][] = [
    ['a non-object', () => [], 'catalog: root must be a JSON object'],
    ['a missing field', (c) => ({ ...c, gifts: undefined, conversion: c.conversion }), 'catalog: gifts must be a non-empty array'],
    ['an absent field', ({ items: _items, ...c }) => c, 'catalog: root.items is missing'],
    ['an unknown field', (c) => ({ ...c, taxes: 0 }), 'catalog: root.taxes is not a known field'],
    ['a negative price', (c) => set(c, ['coinPackages', 3, 'prices', 'US', 'web'], -1), 'catalog: coinPackages[3].prices.US.web must be a positive integer'],
    ['a fractional price', (c) => set(c, ['coinPackages', 0, 'prices', 'JP', 'card'], 1.5), 'catalog: coinPackages[0].prices.JP.card must be a positive integer'],
    ['a price as a string', (c) => set(c, ['coinPackages', 0, 'prices', 'US', 'web'], '74'), 'catalog: coinPackages[0].prices.US.web must be a positive integer'],
    ['an unsafe integer', (c) => set(c, ['coinPackages', 1, 'coins'], 2 ** 53), 'catalog: coinPackages[1].coins must be a positive integer'],
    ['a zero coins gift', (c) => set(c, ['gifts', 0, 'coins'], 0), 'catalog: gifts[0].coins must be a positive integer'],
    ['a missing channel price', (c) => del(c, ['coinPackages', 2, 'prices', 'DE', 'card']), 'catalog: coinPackages[2].prices.DE.card is missing'],
    ['a channel the region does not sell', (c) => set(c, ['regions', 0, 'channels'], ['web', 'card']), 'catalog: coinPackages[0].prices.US.app_store is not a known field'],
    ['a price in an unknown region', (c) => set(c, ['coinPackages', 0, 'prices', 'FR'], {}), 'catalog: coinPackages[0].prices.FR is not a known field'],
    ['a package priced nowhere', (c) => set(c, ['coinPackages', 0, 'prices'], {}), 'catalog: coinPackages[0].prices must price the package in at least one region'],
    ['a region with no package', (c) => set(c, ['regions', 4], { region: 'FR', currency: 'EUR', channels: ['web'] }), 'catalog: regions[4] (FR) has no coin package priced in it'],
    ['an unknown channel', (c) => set(c, ['regions', 1, 'channels', 0], 'fax'), 'catalog: regions[1].channels[0] must be one of web, app_store, google_play, card, mobile_payment'],
    ['a repeated channel', (c) => set(c, ['regions', 1, 'channels', 1], 'web'), 'catalog: regions[1].channels[1] duplicates regions[1].channels[0] (web)'],
    ['a bad currency', (c) => set(c, ['regions', 2, 'currency'], 'eur'), 'catalog: regions[2].currency must be an ISO 4217 code such as USD'],
    ['a bad region code', (c) => set(c, ['regions', 2, 'region'], 'Germany'), 'catalog: regions[2].region must be a two-letter upper-case region code such as US'],
    ['a repeated region', (c) => set(c, ['regions', 1, 'region'], 'US'), 'catalog: regions[1].region duplicates regions[0].region (US)'],
    ['a repeated package id', (c) => set(c, ['coinPackages', 4, 'packageId'], 'coins-70'), 'catalog: coinPackages[4].packageId duplicates coinPackages[0].packageId (coins-70)'],
    ['a repeated gift id', (c) => set(c, ['gifts', 8, 'giftId'], 'rose'), 'catalog: gifts[8].giftId duplicates gifts[0].giftId (rose)'],
    ['a repeated item id', (c) => set(c, ['items', 1, 'itemId'], 'sticker-heart'), 'catalog: items[1].itemId duplicates items[0].itemId (sticker-heart)'],
    ['an id with a space', (c) => set(c, ['gifts', 2, 'giftId'], 'red rose'), 'catalog: gifts[2].giftId must be 1 to 128 letters, digits or ._:@|-'],
    ['an id too long', (c) => set(c, ['items', 0, 'itemId'], 'x'.repeat(129)), 'catalog: items[0].itemId must be 1 to 128 letters, digits or ._:@|-'],
    ['a blank name', (c) => set(c, ['gifts', 0, 'name'], '  '), 'catalog: gifts[0].name must be a non-blank string of at most 64 characters'],
    ['an unknown item kind', (c) => set(c, ['items', 0, 'kind'], 'hat'), 'catalog: items[0].kind must be one of effect, filter, sticker, promotion'],
    ['no gifts', (c) => ({ ...c, gifts: [] }), 'catalog: gifts must be a non-empty array'],
    ['a zero diamonds per coin', (c) => ({ ...c, diamondsPerCoin: 0 }), 'catalog: diamondsPerCoin must be a positive integer'],
    ['a fractional diamonds per coin', (c) => ({ ...c, diamondsPerCoin: 0.5 }), 'catalog: diamondsPerCoin must be a positive integer'],
    ['gift diamonds beyond safe integers', (c) => ({ ...c, diamondsPerCoin: 2 ** 40 }), 'catalog: gifts[6].coins times diamondsPerCoin must be a safe integer'],
    ['a zero payout', (c) => set(c, ['conversion', 'rate', 'payout', 'value'], 0), 'catalog: conversion.rate.payout.value must be a positive integer'],
    ['a bad payout currency', (c) => set(c, ['conversion', 'rate', 'payout', 'currency'], 'US$'), 'catalog: conversion.rate.payout.currency must be an ISO 4217 code such as USD'],
    ['a minimum that pays nothing', (c) => set(c, ['conversion', 'minimumDiamonds'], 1), 'catalog: conversion.minimumDiamonds must be at least conversion.rate.diamonds'],
    ['an unknown conversion field', (c) => set(c, ['conversion', 'fee'], 3), 'catalog: conversion.fee is not a known field'],
    ['a note that is not text', (c) => ({ ...c, notes: [1] }), 'catalog: notes[0] must be a string'],
  ];

  it.each(cases)('refuses %s in one sentence naming the path', (_, mutate, message) => {
    expect(() => parseCatalog(mutate(catalogJson()))).toThrow(new Error(message));
    expect(message).not.toMatch(/\.\s|\n/);
  });

  it('accepts a catalog without notes', () => {
    const { notes: _notes, ...rest } = catalogJson();
    expect(parseCatalog(rest).notes).toEqual([]);
  });
});

function walk(root: unknown, path: readonly (string | number)[]): Record<string | number, unknown> {
  return path.slice(0, -1).reduce((node, key) => (node as Record<string | number, unknown>)[key], root) as Record<string | number, unknown>;
}

function set<T>(root: T, path: readonly (string | number)[], value: unknown): T {
  walk(root, path)[path[path.length - 1]!] = value;
  return root;
}

function del<T>(root: T, path: readonly (string | number)[]): T {
  delete walk(root, path)[path[path.length - 1]!];
  return root;
}
