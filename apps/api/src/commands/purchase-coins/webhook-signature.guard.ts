import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { checkWebhookSignature } from '../../../../../libs/application/src/auth/webhook-signature';
import type { EconomyRuntime } from '../../../../../libs/runtime/src/economy-runtime';
import { ApiError } from '../../http/api-error';
import { RUNTIME } from '../../runtime.token';

/** Only the payment provider can credit coins: HMAC over the raw body, within 300 s. */
@Injectable()
export class WebhookSignatureGuard implements CanActivate {
  constructor(@Inject(RUNTIME) private readonly runtime: EconomyRuntime) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<FastifyRequest & { rawBody?: Buffer }>();
    const header = request.headers['x-signature'];
    const check = checkWebhookSignature(
      Array.isArray(header) ? header[0] : header,
      request.rawBody ?? Buffer.alloc(0),
      this.runtime.config.paymentWebhookSecret,
      Math.floor(Date.now() / 1000),
      this.runtime.config.webhookToleranceSeconds,
    );
    if (!check.ok) throw new ApiError(401, 'UNAUTHENTICATED', check.reason);
    return true;
  }
}
