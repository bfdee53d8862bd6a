import { pino } from 'pino';
import { loadConfigOrExit, openRuntimeOrExit } from '../../../libs/runtime/src/startup';
import { createApp } from './create-app';

/**
 * `npm start`: the api, with the projections and the diamonds reactor in the same process by
 * default. On the embedded storage the projections with the reactor, and the appends' commits,
 * each run on a worker thread, so the event loop serving requests waits for neither.
 */
async function main(): Promise<void> {
  const config = loadConfigOrExit('Coinstream');
  const logger = pino({ level: config.logLevel, base: { service: 'coinstream-api' } });
  const runtime = await openRuntimeOrExit('Coinstream', config, logger, { projectorThread: true, appendThread: true });
  const app = await createApp(runtime);

  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: finishing in-flight requests');
    const timer = setTimeout(() => {
      logger.error({ timeoutMs: config.shutdownTimeoutMs }, 'shutdown took too long; exiting');
      process.exit(1);
    }, config.shutdownTimeoutMs);
    timer.unref();
    await app.close();
    await runtime.close();
    logger.info('stopped');
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));

  await app.listen({ port: config.port, host: config.host });
  const url = `http://localhost:${config.port}`;
  logger.info({ url, storage: config.storage.kind, dataDir: config.dataDir }, `Coinstream is listening on ${url} (OpenAPI at ${url}/docs)`);
  if (config.secretsGenerated) {
    logger.warn(
      { secretsFile: `${config.dataDir}/dev-secrets.json` },
      'development secrets were generated; mint a token with: npm run cli -- mint-token --sub alice --roles user',
    );
  }
}

void main();
