import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { walletStream, type CoinsPurchased } from '../../../../../libs/domain/src';
import { deterministicUuid } from '../../../../../libs/application/src/event-ids';
import { positionToJson } from '../../../../../libs/event-store/src/event-store.port';
import type { EconomyRuntime } from '../../../../../libs/runtime/src/economy-runtime';
import { RUNTIME } from '../../runtime.token';
import { type CommandContext, nowIso } from '../command-context';
import type { PaymentWebhookBody, PaymentWebhookResponse } from './payment-webhook.dto';

export class PurchaseCoinsCommand extends Command<PaymentWebhookResponse> {
  constructor(readonly body: PaymentWebhookBody, readonly context: CommandContext) {
    super();
  }
}

/**
 * Credits the coins of a succeeded payment: CoinsPurchased. The paymentId is the idempotency
 * key (a provider retries webhooks) and names the event id, so a payment credits once, ever.
 */
@CommandHandler(PurchaseCoinsCommand)
export class PurchaseCoinsHandler implements ICommandHandler<PurchaseCoinsCommand> {
  constructor(@Inject(RUNTIME) private readonly runtime: EconomyRuntime) {}

  async execute({ body, context }: PurchaseCoinsCommand): Promise<PaymentWebhookResponse> {
    const outcome = await this.runtime.executor.execute({
      streamName: walletStream(body.userId),
      model: this.runtime.walletModel,
      command: {
        type: 'PurchaseCoins',
        data: {
          userId: body.userId,
          paymentId: body.paymentId,
          packageId: body.packageId,
          region: body.region,
          channel: body.channel,
          amount: { value: body.amount.value, currency: body.amount.currency },
          now: nowIso(),
        },
      },
      ...context,
      idempotencyKey: `payment:${body.paymentId}`,
      eventIds: (n) => Array.from({ length: n }, (_, i) => deterministicUuid(`payment|${body.paymentId}|${i}`)),
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
