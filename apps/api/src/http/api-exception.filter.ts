import { type ArgumentsHost, Catch, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { toApiError } from './error-mapping';

/** Every error leaves as API.md's `{ error: { code, message, details } }`; 5xx are logged. */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const reply = http.getResponse<FastifyReply>();
    const request = http.getRequest<FastifyRequest>();
    const error = toApiError(exception);
    if (error.status >= 500) {
      request.log?.error({ err: exception, code: error.code }, 'request failed');
    }
    if (error.status === 503 || error.status === 429) reply.header('retry-after', '1');
    void reply.status(error.status).send(error.toBody());
  }
}
