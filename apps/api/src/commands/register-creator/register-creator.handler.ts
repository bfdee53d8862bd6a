import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { creatorStream } from '../../../../../libs/domain/src';
import { requestHash } from '../../../../../libs/application/src/event-ids';
import { positionToJson } from '../../../../../libs/event-store/src/event-store.port';
import type { EconomyRuntime } from '../../../../../libs/runtime/src/economy-runtime';
import { RUNTIME } from '../../runtime.token';
import { isoNow } from '../../../../../libs/application/src/iso-clock';
import type { CommandContext } from '../command-context';

export type RegisterCreatorResult = { created: boolean; body: { creatorId: string; registered: true; position: number } };

export class RegisterCreatorCommand extends Command<RegisterCreatorResult> {
  constructor(readonly creatorId: string, readonly context: CommandContext) {
    super();
  }
}

/** The caller becomes a creator that gifts can reach; registering twice changes nothing. */
@CommandHandler(RegisterCreatorCommand)
export class RegisterCreatorHandler implements ICommandHandler<RegisterCreatorCommand> {
  constructor(@Inject(RUNTIME) private readonly runtime: EconomyRuntime) {}

  async execute({ creatorId, context }: RegisterCreatorCommand): Promise<RegisterCreatorResult> {
    const outcome = await this.runtime.executor.execute({
      streamName: creatorStream(creatorId),
      model: this.runtime.creatorModel,
      command: { type: 'RegisterCreator', data: { creatorId, now: isoNow() } },
      ...context,
      requestHash: requestHash('register-creator', {}),
    });
    if (outcome.position === null) throw new Error('a registered creator has no event');
    return {
      created: outcome.kind !== 'unchanged',
      body: { creatorId, registered: true, position: positionToJson(outcome.position) },
    };
  }
}
