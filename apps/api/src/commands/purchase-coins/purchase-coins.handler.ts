import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { paymentStream, walletStream, type CoinsPurchased } from '../../../../../libs/domain/src';
import { deterministicUuid } from '../../../../../libs/application/src/event-ids';
import { positionToJson } from '../../../../../libs/event-store/src/event-store.port';
import type { EconomyRuntime } from '../../../../../libs/runtime/src/economy-runtime';
import { RUNTIME } from '../../runtime.token';
import { isoNow } from '../../../../../libs/application/src/iso-clock';
import type { CommandContext } from '../command-context';
import type { PaymentWebhookBody, PaymentWebhookResponse } from './payment-webhook.dto';

export class PurchaseCoinsCommand extends Command<PaymentWebhookResponse> {
  constructor(readonly body: PaymentWebhookBody, readonly context: CommandContext) {
    super();
  }
}

/**
 * Credits the coins of a succeeded payment, in two appends. First PaymentReceived claims the
 * payment's own stream (no_stream), so a paymentId belongs to one wallet, ever, on any event
 * store; another wallet naming it is refused. Then CoinsPurchased credits the wallet, with the
 * paymentId as its idempotency key. A provider retries a webhook until it gets a 200, so a
 * retry after a crash between the two finds the payment recorded and completes the credit; a
 * retry after both credits nothing and returns the first result.
 */
@CommandHandler(PurchaseCoinsCommand)
export class PurchaseCoinsHandler implements ICommandHandler<PurchaseCoinsCommand> {
  constructor(@Inject(RUNTIME) private readonly runtime: EconomyRuntime) {}

  async execute({ body, context }: PurchaseCoinsCommand): Promise<PaymentWebhookResponse> {
    const order = { paymentId: body.paymentId, userId: body.userId, packageId: body.packageId, region: body.region, channel: body.channel };
    const amount = { value: body.amount.value, currency: body.amount.currency };
    // No idempotency key here: the payment's decider itself tells a retry (same wallet) from a reuse.
    await this.runtime.executor.execute({
      streamName: paymentStream(body.paymentId),
      model: this.runtime.paymentModel,
      command: { type: 'RecordPayment', data: { ...order, amount, now: isoNow() } },
      actorId: context.actorId,
      correlationId: context.correlationId,
      causationId: context.causationId,
      eventIds: (events) => events.map((_, i) => deterministicUuid(`payment-received|${body.paymentId}|${i}`)),
    });
    const outcome = await this.runtime.executor.execute({
      streamName: walletStream(body.userId),
      model: this.runtime.walletModel,
      command: {
        type: 'PurchaseCoins',
        data: { ...order, amount, now: isoNow() },
      },
      ...context,
      idempotencyKey: `payment:${body.paymentId}`,
      eventIds: (events) => events.map((_, i) => deterministicUuid(`payment|${body.paymentId}|${i}`)),
    });
    const purchase = outcome.events.find((e): e is CoinsPurchased => e.type === 'CoinsPurchased');
    if (!purchase || outcome.position === null) throw new Error('a payment decided no CoinsPurchased event');
    return {
      paymentId: purchase.data.paymentId,
      coins: purchase.data.coins,
      balance: outcome.state.balance,
      position: positionToJson(outcome.position),
    };
  }
}
