import { Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiCreatedResponse, ApiHeader, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import type { Principal } from '../../../../../libs/application/src/auth/jwt';
import { CurrentPrincipal, Roles } from '../../http/auth';
import { idempotencyKeyOf } from '../../http/request-parsing';
import { commandContext } from '../command-context';
import { SendGiftCommand } from './send-gift.handler';
import { SendGiftBody, SendGiftResponse } from './send-gift.dto';

@ApiTags('commands')
@ApiBearerAuth()
@Controller('v1/gifts')
export class SendGiftController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post()
  @HttpCode(201)
  @Roles('user')
  @ApiHeader({ name: 'Idempotency-Key', required: true, description: '1–255 characters; retries return the first response' })
  @ApiCreatedResponse({ type: SendGiftResponse })
  send(@Body() body: SendGiftBody, @CurrentPrincipal() principal: Principal, @Req() request: FastifyRequest): Promise<SendGiftResponse> {
    const context = commandContext(request, principal.userId, idempotencyKeyOf(request, true));
    return this.commandBus.execute(new SendGiftCommand(principal.userId, body, context));
  }
}
