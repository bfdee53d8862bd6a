import { Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiCreatedResponse, ApiHeader, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import type { Principal } from '../../../../../libs/application/src/auth/jwt';
import { CurrentPrincipal, Roles } from '../../http/auth';
import { idempotencyKeyOf } from '../../http/request-parsing';
import { commandContext } from '../command-context';
import { PurchaseItemBody, PurchaseItemResponse } from './purchase-item.dto';
import { PurchaseItemCommand } from './purchase-item.handler';

@ApiTags('commands')
@ApiBearerAuth()
@Controller('v1/item-purchases')
export class PurchaseItemController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post()
  @HttpCode(201)
  @Roles('user')
  @ApiHeader({ name: 'Idempotency-Key', required: true })
  @ApiCreatedResponse({ type: PurchaseItemResponse })
  purchase(@Body() body: PurchaseItemBody, @CurrentPrincipal() principal: Principal, @Req() request: FastifyRequest): Promise<PurchaseItemResponse> {
    const context = commandContext(request, principal.userId, idempotencyKeyOf(request, true));
    return this.commandBus.execute(new PurchaseItemCommand(principal.userId, body, context));
  }
}
