'use strict';
/** Baseline: a bare Fastify route that parses the gift's JSON body and echoes it with a 201. */
const fastify = require('fastify');

const app = fastify({ logger: false, bodyLimit: 64 * 1024 });
app.get('/health', async () => ({ status: 'ok' }));
app.post('/v1/gifts', async (request, reply) => reply.code(201).send(request.body));
app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' }).catch((error) => {
  console.error(error);
  process.exit(1);
});
process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
