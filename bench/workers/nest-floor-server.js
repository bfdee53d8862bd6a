'use strict';
/**
 * A floor under `http_gifts`, not a peer: the framework alone. Nest on Fastify (the stack the
 * project is built on) with our strict ValidationPipe (class-validator, whitelist,
 * forbidNonWhitelisted) on the same SendGiftBody DTO and our error filter, and one controller
 * that answers 201 with a fixed body. No guard, no hooks, no logger, no CommandBus, no store: what
 * any Nest + class-validator gift endpoint pays per request here before doing anything of its own.
 */
require('reflect-metadata');
const { dist } = require('../lib/economy');
const { serveUntilStopped } = require('../lib/serve');

const { Body, Controller, Get, HttpCode, Module, Post } = require('@nestjs/common');
const { APP_FILTER, APP_PIPE, NestFactory } = require('@nestjs/core');
const { FastifyAdapter } = require('@nestjs/platform-fastify');
const { StrictBodyPipe } = dist('apps/api/src/http/validation');
const { ApiExceptionFilter } = dist('apps/api/src/http/api-exception.filter');
const { SendGiftBody } = dist('apps/api/src/commands/send-gift/send-gift.dto');

class FloorGiftController {
  constructor() {
    this.position = 0;
  }

  send(body) {
    this.position += 1;
    return { giftTxnId: `gift-${this.position}`, coinsSpent: body.quantity, diamondsCredited: body.quantity, balance: 17_499, position: this.position };
  }
}
// The decorators TypeScript would write for `send(@Body() body: SendGiftBody)` under @Post() @HttpCode(201).
const send = Object.getOwnPropertyDescriptor(FloorGiftController.prototype, 'send');
Reflect.defineMetadata('design:paramtypes', [SendGiftBody], FloorGiftController.prototype, 'send');
Body()(FloorGiftController.prototype, 'send', 0);
HttpCode(201)(FloorGiftController.prototype, 'send', send);
Post()(FloorGiftController.prototype, 'send', send);
Controller('v1/gifts')(FloorGiftController);

class HealthController {
  health() {
    return { status: 'ok' };
  }
}
const health = Object.getOwnPropertyDescriptor(HealthController.prototype, 'health');
Get()(HealthController.prototype, 'health', health);
Controller('health')(HealthController);

class FloorModule {}
Module({
  controllers: [FloorGiftController, HealthController],
  providers: [
    { provide: APP_PIPE, useClass: StrictBodyPipe },
    // Only so a bad body is our 400, not Nest's 500: the measured requests are all valid.
    { provide: APP_FILTER, useClass: ApiExceptionFilter },
  ],
})(FloorModule);

serveUntilStopped(async () => ({
  app: await NestFactory.create(FloorModule, new FastifyAdapter({ bodyLimit: 64 * 1024 }), { logger: false }),
}));
