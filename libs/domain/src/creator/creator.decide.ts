import type { Catalog } from '../catalog/catalog';
import type { ConvertDiamonds, CreatorCommand, CreditDiamonds, RegisterCreator } from '../commands';
import { reject } from '../errors';
import type { CreatorEvent, CreatorRegistered, DiamondsConverted, DiamondsCredited } from '../events';
import { gcd, multiplyExactly, requirePositiveInteger } from '../integers';
import type { CreatorState } from './creator';

const POSITION_PATTERN = /^(0|[1-9][0-9]*)$/;

/** The rules of a creator: what a command may append to `creator-{creatorId}`, or why it is refused. */
export function decideCreator(command: CreatorCommand, state: CreatorState, catalog: Catalog): CreatorEvent[] {
  switch (command.type) {
    case 'RegisterCreator':
      return registerCreator(command, state);
    case 'CreditDiamonds':
      return creditDiamonds(command, state);
    case 'ConvertDiamonds':
      return [convertDiamonds(command, state, catalog)];
    default:
      return unknownCommand(command);
  }
}

// Registering twice is a retry, not a mistake: nothing to append.
function registerCreator({ data }: RegisterCreator, state: CreatorState): CreatorRegistered[] {
  if (state.registered) return [];
  return [{ type: 'CreatorRegistered', data: { creatorId: data.creatorId, registeredAt: data.now } }];
}

function creditDiamonds({ data }: CreditDiamonds, state: CreatorState): DiamondsCredited[] {
  const positions = data.gifts.map((gift) => {
    requirePositiveInteger(gift.diamonds, 'credited diamonds');
    if (!POSITION_PATTERN.test(gift.giftPosition)) {
      throw new RangeError(`giftPosition must be a decimal integer string, got ${gift.giftPosition}`);
    }
    return BigInt(gift.giftPosition);
  });
  // Gifts come in the order of the log: one out of order would be taken for a redelivery and lost.
  positions.forEach((position, i) => {
    if (i > 0 && position <= positions[i - 1]!) throw new RangeError(`gifts to credit must be in ascending position order, got ${positions[i - 1]} then ${position}`);
  });
  requireCreator(state, data.creatorId);
  const last = state.lastCreditedGiftPosition;
  return data.gifts
    .filter((_, i) => last === null || positions[i]! > last)
    .map((gift) => ({
      type: 'DiamondsCredited',
      data: {
        creatorId: data.creatorId,
        giftTxnId: gift.giftTxnId,
        senderId: gift.senderId,
        giftId: gift.giftId,
        quantity: gift.quantity,
        diamonds: gift.diamonds,
        giftPosition: gift.giftPosition,
        creditedAt: gift.now,
      },
    }));
}

function convertDiamonds({ data }: ConvertDiamonds, state: CreatorState, catalog: Catalog): DiamondsConverted {
  requirePositiveInteger(data.diamonds, 'diamonds to convert');
  requireCreator(state, data.creatorId);
  const { rate, minimumDiamonds } = catalog.conversion;
  if (data.diamonds < minimumDiamonds) {
    reject('BELOW_MINIMUM_CONVERSION', `At least ${minimumDiamonds} diamonds must be converted at once.`, {
      minimum: minimumDiamonds,
      requested: data.diamonds,
    });
  }
  if (data.diamonds > state.diamondsAvailable) {
    reject('INSUFFICIENT_DIAMONDS', `Only ${state.diamondsAvailable} diamonds are available; ${data.diamonds} were requested.`, {
      available: state.diamondsAvailable,
      requested: data.diamonds,
    });
  }
  // Convert whole rate units only (in lowest terms), so payout × rate.diamonds = converted × rate.payout
  // exactly and the diamonds that would make a fraction of a minor unit stay available.
  const common = gcd(rate.diamonds, rate.payout.value);
  const diamondsPerUnit = rate.diamonds / common;
  const minorPerUnit = rate.payout.value / common;
  const units = Math.floor(data.diamonds / diamondsPerUnit);
  return {
    type: 'DiamondsConverted',
    data: {
      conversionId: data.conversionId,
      creatorId: data.creatorId,
      diamonds: units * diamondsPerUnit,
      payout: { value: multiplyExactly(units, minorPerUnit, 'payout'), currency: rate.payout.currency },
      rate: { diamonds: rate.diamonds, payout: { value: rate.payout.value, currency: rate.payout.currency } },
      convertedAt: data.now,
    },
  };
}

function requireCreator(state: CreatorState, creatorId: string): void {
  if (!state.registered) reject('NOT_A_CREATOR', `${creatorId} is not a registered creator.`, { creatorId });
}

function unknownCommand(command: never): never {
  throw new TypeError(`Unknown creator command ${(command as { type?: unknown }).type}`);
}
