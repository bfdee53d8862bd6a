import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { creatorStream, reject, walletStream, type GiftSent } from '../../../../../libs/domain/src';
import { businessIdFor, requestHash } from '../../../../../libs/application/src/event-ids';
import { positionToJson } from '../../../../../libs/event-store/src/event-store.port';
import type { EconomyRuntime } from '../../../../../libs/runtime/src/economy-runtime';
import { RUNTIME } from '../../runtime.token';
import { isoNow } from '../../../../../libs/application/src/iso-clock';
import type { CommandContext } from '../command-context';
import type { SendGiftBody, SendGiftResponse } from './send-gift.dto';

export class SendGiftCommand extends Command<SendGiftResponse> {
  constructor(readonly senderId: string, readonly body: SendGiftBody, readonly context: CommandContext) {
    super();
  }
}

/** Appends GiftSent to the sender's wallet; the diamonds reactor credits the creator from it. */
@CommandHandler(SendGiftCommand)
export class SendGiftHandler implements ICommandHandler<SendGiftCommand> {
  constructor(@Inject(RUNTIME) private readonly runtime: EconomyRuntime) {}

  async execute({ senderId, body, context }: SendGiftCommand): Promise<SendGiftResponse> {
    const { executor, walletModel, creatorModel } = this.runtime;
    // A creator once registered stays registered: a cached "registered" needs no read.
    const creator = await executor.load(creatorStream(body.creatorId), creatorModel, (state) => state.registered);
    if (!creator.state.registered) reject('UNKNOWN_CREATOR', `No creator ${body.creatorId} can receive gifts.`, { creatorId: body.creatorId });

    const streamName = walletStream(senderId);
    const outcome = await executor.execute({
      streamName,
      model: walletModel,
      command: {
        type: 'SendGift',
        data: {
          giftTxnId: businessIdFor('gift', streamName, context.idempotencyKey),
          senderId,
          creatorId: body.creatorId,
          giftId: body.giftId,
          quantity: body.quantity,
          now: isoNow(),
        },
      },
      ...context,
      requestHash: requestHash('gift', body),
    });
    const gift = outcome.events.find((e): e is GiftSent => e.type === 'GiftSent');
    if (!gift || outcome.position === null) throw new Error('a gift decided no GiftSent event');
    return {
      giftTxnId: gift.data.giftTxnId,
      coinsSpent: gift.data.coinsSpent,
      diamondsCredited: gift.data.diamonds,
      balance: outcome.state.balance,
      position: positionToJson(outcome.position),
    };
  }
}
