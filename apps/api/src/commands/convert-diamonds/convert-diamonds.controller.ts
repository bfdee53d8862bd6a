import { Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiCreatedResponse, ApiHeader, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import type { Principal } from '../../../../../libs/application/src/auth/jwt';
import { CurrentPrincipal, Roles } from '../../http/auth';
import { idempotencyKeyOf } from '../../http/request-parsing';
import { commandContext } from '../command-context';
import { ConvertDiamondsBody, ConvertDiamondsResponse } from './convert-diamonds.dto';
import { ConvertDiamondsCommand } from './convert-diamonds.handler';

@ApiTags('commands')
@ApiBearerAuth()
@Controller('v1/creators/me/conversions')
export class ConvertDiamondsController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post()
  @HttpCode(201)
  @Roles('creator')
  @ApiHeader({ name: 'Idempotency-Key', required: true })
  @ApiCreatedResponse({ type: ConvertDiamondsResponse })
  convert(@Body() body: ConvertDiamondsBody, @CurrentPrincipal() principal: Principal, @Req() request: FastifyRequest): Promise<ConvertDiamondsResponse> {
    const context = commandContext(request, principal.userId, idempotencyKeyOf(request, true));
    return this.commandBus.execute(new ConvertDiamondsCommand(principal.userId, body, context));
  }
}
