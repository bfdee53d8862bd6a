import { createServer } from 'node:http';
import { pino } from 'pino';
import { loadConfigOrExit, openRuntimeOrExit } from '../../../libs/runtime/src/startup';

/**
 * The projector on its own (when the api runs with RUN_PROJECTOR=false, e.g. several api
 * replicas on EventStoreDB + MongoDB): projections and the diamonds reactor, resuming from
 * their checkpoints. Logs the lag every LAG_LOG_INTERVAL_MS and answers GET /health on PORT.
 */
async function main(): Promise<void> {
  const config = loadConfigOrExit('Coinstream projector');
  const logger = pino({ level: config.logLevel, base: { service: 'coinstream-projector' } });
  const runtime = await openRuntimeOrExit('Coinstream projector', config, logger, { runProjector: true });

  const interval = Number(process.env.LAG_LOG_INTERVAL_MS ?? 30_000);
  const lagTimer = setInterval(() => {
    runtime.projectionStatus().then(
      (projections) => logger.info({ projections }, 'projection lag'),
      (error: unknown) => logger.warn({ err: error }, 'could not read projection status'),
    );
  }, interval);

  const health = createServer((req, res) => {
    if (req.url !== '/health') {
      res.writeHead(404).end();
      return;
    }
    runtime.projectionStatus().then(
      (projections) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'ok', projections })),
      () => res.writeHead(503, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'unavailable' })),
    );
  });
  health.listen(config.port, config.host);

  const stop = async (signal: string): Promise<void> => {
    logger.info({ signal }, 'projector stopping after the batch in flight');
    clearInterval(lagTimer);
    health.close();
    await runtime.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
  logger.info({ storage: config.storage.kind, healthPort: config.port }, 'projector running');
}

void main();
