import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { creatorStream, type DiamondsConverted } from '../../../../../libs/domain/src';
import { businessIdFor, requestHash } from '../../../../../libs/application/src/event-ids';
import { positionToJson } from '../../../../../libs/event-store/src/event-store.port';
import type { EconomyRuntime } from '../../../../../libs/runtime/src/economy-runtime';
import { RUNTIME } from '../../runtime.token';
import { isoNow } from '../../../../../libs/application/src/iso-clock';
import type { CommandContext } from '../command-context';
import type { ConvertDiamondsBody, ConvertDiamondsResponse } from './convert-diamonds.dto';

export class ConvertDiamondsCommand extends Command<ConvertDiamondsResponse> {
  constructor(readonly creatorId: string, readonly body: ConvertDiamondsBody, readonly context: CommandContext) {
    super();
  }
}

/** Converts a creator's available diamonds into money at the rate in force: DiamondsConverted. */
@CommandHandler(ConvertDiamondsCommand)
export class ConvertDiamondsHandler implements ICommandHandler<ConvertDiamondsCommand> {
  constructor(@Inject(RUNTIME) private readonly runtime: EconomyRuntime) {}

  async execute({ creatorId, body, context }: ConvertDiamondsCommand): Promise<ConvertDiamondsResponse> {
    const streamName = creatorStream(creatorId);
    const outcome = await this.runtime.executor.execute({
      streamName,
      model: this.runtime.creatorModel,
      command: {
        type: 'ConvertDiamonds',
        data: {
          conversionId: businessIdFor('conversion', streamName, context.idempotencyKey),
          creatorId,
          diamonds: body.diamonds,
          now: isoNow(),
        },
      },
      ...context,
      requestHash: requestHash('conversion', body),
    });
    const conversion = outcome.events.find((e): e is DiamondsConverted => e.type === 'DiamondsConverted');
    if (!conversion || outcome.position === null) throw new Error('a conversion decided no DiamondsConverted event');
    return {
      conversionId: conversion.data.conversionId,
      diamonds: conversion.data.diamonds,
      payout: { value: conversion.data.payout.value, currency: conversion.data.payout.currency },
      diamondsAvailable: outcome.state.diamondsAvailable,
      position: positionToJson(outcome.position),
    };
  }
}
