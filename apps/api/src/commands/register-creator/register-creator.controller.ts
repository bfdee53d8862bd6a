import { Controller, Post, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from '../../../../../libs/application/src/auth/jwt';
import { CurrentPrincipal, Roles } from '../../http/auth';
import { idempotencyKeyOf } from '../../http/request-parsing';
import { commandContext } from '../command-context';
import { RegisterCreatorCommand } from './register-creator.handler';

@ApiTags('commands')
@ApiBearerAuth()
@Controller('v1/creators/me')
export class RegisterCreatorController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post()
  @Roles('creator')
  @ApiCreatedResponse({ description: 'the caller is now a creator' })
  @ApiOkResponse({ description: 'the caller already was a creator; nothing changed' })
  async register(
    @CurrentPrincipal() principal: Principal,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<{ creatorId: string; registered: true; position: number }> {
    const context = commandContext(request, principal.userId, idempotencyKeyOf(request, false));
    const result = await this.commandBus.execute(new RegisterCreatorCommand(principal.userId, context));
    void reply.status(result.created ? 201 : 200);
    return result.body;
  }
}
