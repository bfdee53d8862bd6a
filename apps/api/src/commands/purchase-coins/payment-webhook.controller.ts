import { Body, Controller, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiHeader, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Public } from '../../http/auth';
import { commandContext } from '../command-context';
import { PaymentWebhookBody, PaymentWebhookResponse } from './payment-webhook.dto';
import { PurchaseCoinsCommand } from './purchase-coins.handler';
import { WebhookSignatureGuard } from './webhook-signature.guard';

@ApiTags('commands')
@Controller('v1/payments/webhook')
export class PaymentWebhookController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post()
  @HttpCode(200)
  @Public()
  @UseGuards(WebhookSignatureGuard)
  @ApiHeader({ name: 'X-Signature', required: true, description: 't=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + "." + raw body)>' })
  @ApiOkResponse({ type: PaymentWebhookResponse })
  receive(@Body() body: PaymentWebhookBody, @Req() request: FastifyRequest): Promise<PaymentWebhookResponse> {
    return this.commandBus.execute(new PurchaseCoinsCommand(body, commandContext(request, 'payment-provider', undefined)));
  }
}
