import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Params } from 'nestjs-pino';

const CORRELATION_ID = /^[A-Za-z0-9._:@|-]{1,128}$/;

/**
 * JSON logs (pino) with one correlation id per request: the caller's `X-Correlation-Id` when it
 * is well formed, else a new UUID. It is echoed back and written into every event's metadata.
 */
const assigned = new WeakMap<IncomingMessage, string>();

/** One id per request, shared by Fastify (request.id) and the request logger. */
export function correlationIdOf(req: IncomingMessage): string {
  let id = assigned.get(req);
  if (id === undefined) {
    const given = req.headers['x-correlation-id'];
    id = typeof given === 'string' && CORRELATION_ID.test(given) ? given : randomUUID();
    assigned.set(req, id);
  }
  return id;
}

export function loggerOptions(level: string): Params {
  return {
    pinoHttp: {
      level,
      genReqId: (req: IncomingMessage) => correlationIdOf(req),
      customProps: (req: IncomingMessage) => ({ correlationId: (req as IncomingMessage & { id?: unknown }).id }),
      redact: ['req.headers.authorization', 'req.headers["x-signature"]'],
      serializers: {
        req: (req: { method: string; url: string; id: unknown }) => ({ method: req.method, url: req.url }),
      },
      autoLogging: { ignore: (req: IncomingMessage) => req.url === '/health' },
    },
  };
}
