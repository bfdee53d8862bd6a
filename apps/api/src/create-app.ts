import 'reflect-metadata';
import type { IncomingMessage } from 'node:http';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import type { EconomyRuntime } from '../../../libs/runtime/src/economy-runtime';
import { AppModule } from './app.module';
import { correlationIdOf } from './http/logging';

/** API.md: a body over 64 KiB is 413. */
export const BODY_LIMIT_BYTES = 64 * 1024;

/** Builds the HTTP app on a runtime (used by main.ts and by the end-to-end tests). */
export async function createApp(runtime: EconomyRuntime): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: BODY_LIMIT_BYTES,
    genReqId: (req: IncomingMessage) => correlationIdOf(req),
    // Graceful shutdown: in-flight requests finish, keep-alive sockets are closed.
    forceCloseConnections: 'idle',
    return503OnClosing: true,
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRuntime(runtime), adapter, {
    rawBody: true,
    bufferLogs: true,
  });
  app.useLogger(app.get(Logger));
  // JSON only: anything else is 415 (Fastify and Nest would otherwise parse text/plain too).
  const fastify = app.getHttpAdapter().getInstance();
  fastify.removeContentTypeParser(['text/plain']);
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.header('x-correlation-id', String(request.id));
    done();
  });
  // Graceful shutdown: responses finished while closing also close their keep-alive socket,
  // otherwise a busy client's connection would hold the server open past the in-flight work.
  let closing = false;
  fastify.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  fastify.addHook('onSend', (_request, reply, payload, done) => {
    if (closing) void reply.header('connection', 'close');
    done(null, payload);
  });

  const openApi = new DocumentBuilder()
    .setTitle('Coinstream')
    .setDescription('Coins, gifts, diamonds and payouts: the public HTTP contract (API.md).')
    .setVersion('1')
    .addBearerAuth()
    .build();
  SwaggerModule.setup('docs', app, () => SwaggerModule.createDocument(app, openApi), { jsonDocumentUrl: 'docs/json' });

  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return app;
}
