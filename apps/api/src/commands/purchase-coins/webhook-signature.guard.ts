import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { checkWebhookSignature } from '../../../../../libs/application/src/auth/webhook-signature';
import { ApiError } from '../../http/api-error';

export const WEBHOOK_SECRET = Symbol('WEBHOOK_SECRET');

/** Only the payment provider can credit coins: HMAC over the raw body, within 300 s. */
@Injectable()
export class WebhookSignatureGuard implements CanActivate {
  constructor(private readonly secret: string, private readonly toleranceSeconds: number) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<FastifyRequest & { rawBody?: Buffer }>();
    const header = request.headers['x-signature'];
    const check = checkWebhookSignature(
      Array.isArray(header) ? header[0] : header,
      request.rawBody ?? Buffer.alloc(0),
      this.secret,
      Math.floor(Date.now() / 1000),
      this.toleranceSeconds,
    );
    if (!check.ok) throw new ApiError(401, 'UNAUTHENTICATED', check.reason);
    return true;
  }
}
