import { EVENT_TYPES, SCHEMA_VERSION, type CoinstreamEvent, type CoinstreamEventType } from './events';

/** Turns the data of one schema version into the next one. */
export type Upcaster = (data: Record<string, unknown>) => Record<string, unknown>;

/** For each event type, the steps from version 1 upward: steps[type][v - 1] reads v and returns v + 1. */
export type UpcastSteps = Readonly<Record<CoinstreamEventType, readonly Upcaster[]>>;

/** Every event is still at version 1: nothing to upcast yet. A shape change adds a step here. */
export const UPCAST_STEPS: UpcastSteps = {
  CoinsPurchased: [],
  GiftSent: [],
  ItemPurchased: [],
  CreatorRegistered: [],
  DiamondsCredited: [],
  DiamondsConverted: [],
  PaymentReceived: [],
};

export type EventData = CoinstreamEvent['data'];

/** Builds an upcaster over these steps; each type needs currentVersion − 1 of them. */
export function createUpcaster(steps: UpcastSteps, currentVersion: number) {
  for (const type of EVENT_TYPES) {
    if (steps[type].length !== currentVersion - 1) {
      throw new RangeError(`${type} needs ${currentVersion - 1} upcast steps to reach version ${currentVersion}, has ${steps[type].length}`);
    }
  }
  return function upcast(type: string, data: unknown, schemaVersion: number): EventData {
    if (!(EVENT_TYPES as readonly string[]).includes(type)) throw new Error(`Cannot read event type ${type}: it is not a Coinstream event.`);
    if (!Number.isSafeInteger(schemaVersion) || schemaVersion < 1) {
      throw new Error(`Cannot read ${type} with schema version ${schemaVersion}: versions start at 1.`);
    }
    if (schemaVersion > currentVersion) {
      throw new Error(`Cannot read ${type} version ${schemaVersion}: this code knows up to version ${currentVersion}, upgrade it first.`);
    }
    if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new Error(`Cannot read ${type}: its data is not an object.`);
    let current = data as Record<string, unknown>;
    for (const step of steps[type as CoinstreamEventType].slice(schemaVersion - 1)) current = step(current);
    return current as EventData;
  };
}

/** Reads stored event data of any known version in today's shape (fields are trusted, as the store wrote them). */
export const upcastEvent: (type: string, data: unknown, schemaVersion: number) => EventData = createUpcaster(UPCAST_STEPS, SCHEMA_VERSION);

/** A stored event as a typed CoinstreamEvent in today's shape. */
export function toCoinstreamEvent(type: string, data: unknown, schemaVersion: number): CoinstreamEvent {
  return { type, data: upcastEvent(type, data, schemaVersion) } as CoinstreamEvent;
}
