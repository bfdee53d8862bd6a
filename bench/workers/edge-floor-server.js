'use strict';
/**
 * A floor under `http_gifts`, not a peer: our own HTTP app (createApp: Fastify under Nest, the
 * correlation-id and logging hooks, the JWT guard, the rate limiter, the strict ValidationPipe and
 * the SendGiftBody DTO, the error filter, the CommandBus) with the SendGift command answered by a
 * fixed response instead of deciding and appending. What POST /v1/gifts costs before any economy
 * work: no gift server built on this edge can answer faster.
 */
const { dist, serverEnv, silentLogger } = require('../lib/economy');
const { serveUntilStopped } = require('../lib/serve');

const { loadConfig } = dist('libs/runtime/src/config');
const { EconomyRuntime } = dist('libs/runtime/src/economy-runtime');
const { createApp } = dist('apps/api/src/create-app');
const { SendGiftCommand } = dist('apps/api/src/commands/send-gift/send-gift.handler');

serveUntilStopped(async () => {
  const { dataDir } = JSON.parse(process.argv[2]);
  const runtime = await EconomyRuntime.open(loadConfig(serverEnv(dataDir)), silentLogger, { runProjector: false });
  const app = await createApp(runtime);
  const { CommandBus } = require('@nestjs/cqrs');
  const commandBus = app.get(CommandBus);
  const execute = commandBus.execute.bind(commandBus);
  let position = 0;
  commandBus.execute = (command) => {
    if (!(command instanceof SendGiftCommand)) return execute(command);
    position += 1;
    return Promise.resolve({ giftTxnId: `gift-${position}`, coinsSpent: 1, diamondsCredited: 1, balance: 17_499, position });
  };
  return { app, closers: [() => runtime.close()] };
});
