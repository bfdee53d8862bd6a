import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { findItem, itemTakesTarget, walletStream, type ItemPurchased } from '../../../../../libs/domain/src';
import { validationFailed } from '../../http/validation';
import { businessIdFor, requestHash } from '../../../../../libs/application/src/event-ids';
import { positionToJson } from '../../../../../libs/event-store/src/event-store.port';
import type { EconomyRuntime } from '../../../../../libs/runtime/src/economy-runtime';
import { RUNTIME } from '../../runtime.token';
import { isoNow } from '../../../../../libs/application/src/iso-clock';
import type { CommandContext } from '../command-context';
import type { PurchaseItemBody, PurchaseItemResponse } from './purchase-item.dto';

export class PurchaseItemCommand extends Command<PurchaseItemResponse> {
  constructor(readonly userId: string, readonly body: PurchaseItemBody, readonly context: CommandContext) {
    super();
  }
}

/** Spends coins on an in-app item (effect, filter, sticker, promotion): ItemPurchased. */
@CommandHandler(PurchaseItemCommand)
export class PurchaseItemHandler implements ICommandHandler<PurchaseItemCommand> {
  constructor(@Inject(RUNTIME) private readonly runtime: EconomyRuntime) {}

  async execute({ userId, body, context }: PurchaseItemCommand): Promise<PurchaseItemResponse> {
    const item = findItem(this.runtime.catalog, body.itemId);
    if (body.target !== undefined && item !== undefined && !itemTakesTarget(item)) {
      throw validationFailed([{ field: 'target', problems: [`target is only for promotions; ${item.itemId} is a ${item.kind}`] }]);
    }
    const streamName = walletStream(userId);
    const outcome = await this.runtime.executor.execute({
      streamName,
      model: this.runtime.walletModel,
      command: {
        type: 'PurchaseItem',
        data: {
          purchaseId: businessIdFor('item-purchase', streamName, context.idempotencyKey),
          userId,
          itemId: body.itemId,
          quantity: body.quantity,
          ...(body.target !== undefined && { target: body.target }),
          now: isoNow(),
        },
      },
      ...context,
      requestHash: requestHash('item-purchase', body),
    });
    const purchase = outcome.events.find((e): e is ItemPurchased => e.type === 'ItemPurchased');
    if (!purchase || outcome.position === null) throw new Error('an item purchase decided no ItemPurchased event');
    return {
      purchaseId: purchase.data.purchaseId,
      itemId: purchase.data.itemId,
      quantity: purchase.data.quantity,
      coinsSpent: purchase.data.coinsSpent,
      balance: outcome.state.balance,
      position: positionToJson(outcome.position),
      ...(purchase.data.target !== undefined && { target: purchase.data.target }),
    };
  }
}
