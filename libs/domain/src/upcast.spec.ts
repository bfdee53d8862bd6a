import { EVENT_TYPES, SCHEMA_VERSION } from './events';
import { createUpcaster, toCoinstreamEvent, upcastEvent, UPCAST_STEPS, type UpcastSteps } from './upcast';
import { coinsPurchased, diamondsConverted } from './testing/fixtures';

describe('upcastEvent', () => {
  it('reads version 1 of every event type as it is today', () => {
    const purchased = coinsPurchased(70);
    expect(SCHEMA_VERSION).toBe(1);
    expect(upcastEvent('CoinsPurchased', purchased.data, 1)).toEqual(purchased.data);
    expect(toCoinstreamEvent('DiamondsConverted', diamondsConverted(20_000, 10_000).data, 1)).toEqual(diamondsConverted(20_000, 10_000));
    for (const type of EVENT_TYPES) expect(upcastEvent(type, { any: 'shape' }, 1)).toEqual({ any: 'shape' });
  });

  it('refuses a version newer than this code knows, asking for an upgrade', () => {
    expect(() => upcastEvent('GiftSent', {}, 2)).toThrow(
      'Cannot read GiftSent version 2: this code knows up to version 1, upgrade it first.',
    );
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses schema version %p', (version) => {
    expect(() => upcastEvent('GiftSent', {}, version)).toThrow('versions start at 1');
  });

  it('refuses an event type that is not ours', () => {
    expect(() => upcastEvent('CoinsRefunded', {}, 1)).toThrow('Cannot read event type CoinsRefunded: it is not a Coinstream event.');
  });

  it.each([null, 'text', [1]])('refuses data %p that is not an object', (data) => {
    expect(() => upcastEvent('GiftSent', data, 1)).toThrow('its data is not an object');
  });

  it('applies the steps from the stored version up to the current one, in order', () => {
    const steps: UpcastSteps = {
      ...UPCAST_STEPS,
      CoinsPurchased: [(d) => ({ ...d, v2: true }), (d) => ({ ...d, v3: `after v2 ${String(d.v2)}` })],
      GiftSent: [(d) => d, (d) => d],
      ItemPurchased: [(d) => d, (d) => d],
      CreatorRegistered: [(d) => d, (d) => d],
      DiamondsCredited: [(d) => d, (d) => d],
      DiamondsConverted: [(d) => d, (d) => d],
      PaymentReceived: [(d) => d, (d) => d],
    };
    const upcast = createUpcaster(steps, 3);
    expect(upcast('CoinsPurchased', { coins: 70 }, 1)).toEqual({ coins: 70, v2: true, v3: 'after v2 true' });
    expect(upcast('CoinsPurchased', { coins: 70, v2: false }, 2)).toEqual({ coins: 70, v2: false, v3: 'after v2 false' });
    expect(upcast('CoinsPurchased', { coins: 70, v2: true, v3: 'x' }, 3)).toEqual({ coins: 70, v2: true, v3: 'x' });
  });

  it('refuses steps that do not lead every type to the current version', () => {
    expect(() => createUpcaster(UPCAST_STEPS, 2)).toThrow('CoinsPurchased needs 1 upcast steps to reach version 2, has 0');
  });
});
