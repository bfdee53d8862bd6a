import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from './config';

const secrets = { AUTH_JWT_SECRET: 'j'.repeat(32), PAYMENT_WEBHOOK_SECRET: 'w'.repeat(32) };
const dataDir = () => mkdtempSync(join(tmpdir(), 'coinstream-config-'));

describe('configuration is validated at start-up', () => {
  it('defaults to the embedded storage on port 3000', () => {
    const config = loadConfig({ ...secrets, DATA_DIR: dataDir() });
    expect(config.port).toBe(3000);
    expect(config.storage.kind).toBe('embedded');
    expect(config.secretsGenerated).toBe(false);
    expect(config.projectorBatchIntervalMs).toBe(50);
    expect(config.commandCache).toEqual({ streams: 50_000, keys: 1_000_000 });
    expect(loadConfig({ ...secrets, DATA_DIR: dataDir(), COMMAND_CACHE_STREAMS: '500', COMMAND_CACHE_KEYS: '20000' }).commandCache).toEqual({
      streams: 500,
      keys: 20_000,
    });
    expect(loadConfig({ ...secrets, DATA_DIR: dataDir(), PROJECTOR_BATCH_INTERVAL_MS: '0' }).projectorBatchIntervalMs).toBe(0);
  });

  it('uses EventStoreDB and MongoDB when both URLs are set', () => {
    const config = loadConfig({ ...secrets, EVENTSTORE_URL: 'esdb://localhost:2113?tls=false', MONGODB_URL: 'mongodb://localhost/?replicaSet=rs0' });
    expect(config.storage).toMatchObject({ kind: 'external', eventStoreUrl: 'esdb://localhost:2113?tls=false' });
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT must be a whole number from 0 to 65535, got "eighty".'],
    [{ PORT: '70000' }, 'PORT must be a whole number from 0 to 65535, got "70000".'],
    [{ EVENTSTORE_URL: 'esdb://x:2113' }, 'EVENTSTORE_URL and MONGODB_URL go together: set MONGODB_URL too, or unset both to use the embedded storage in DATA_DIR.'],
    [{ MONGODB_URL: 'mongodb://x' }, 'EVENTSTORE_URL and MONGODB_URL go together: set EVENTSTORE_URL too, or unset both to use the embedded storage in DATA_DIR.'],
    [{ EVENTSTORE_URL: 'http://x', MONGODB_URL: 'mongodb://x' }, 'EVENTSTORE_URL must be an EventStoreDB connection string starting with esdb:// or esdb+discover://.'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "loud".'],
    [{ AUTH_JWT_SECRET: 'short' }, 'AUTH_JWT_SECRET must be at least 32 characters long.'],
    [{ RUN_PROJECTOR: 'maybe' }, 'RUN_PROJECTOR must be true or false, got "maybe".'],
    [{ PROJECTOR_BATCH_INTERVAL_MS: '5000' }, 'PROJECTOR_BATCH_INTERVAL_MS must be a whole number from 0 to 1000, got "5000".'],
    [{ COMMAND_CACHE_STREAMS: '0' }, 'COMMAND_CACHE_STREAMS must be a whole number from 1 to 10000000, got "0".'],
    [{ COMMAND_CACHE_KEYS: '1e6' }, 'COMMAND_CACHE_KEYS must be a whole number from 1 to 1000000000, got "1e6".'],
  ])('stops with one clear sentence for %j', (bad, sentence) => {
    expect(() => loadConfig({ ...secrets, DATA_DIR: dataDir(), ...bad })).toThrow(new ConfigError(sentence));
  });

  it('refuses to start in production without secrets, and generates them in development', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', DATA_DIR: dataDir() })).toThrow(
      'In production AUTH_JWT_SECRET and PAYMENT_WEBHOOK_SECRET must be set (at least 32 characters each).',
    );
    const dir = dataDir();
    const dev = loadConfig({ DATA_DIR: dir });
    expect(dev.secretsGenerated).toBe(true);
    expect(dev.authJwtSecret.length).toBeGreaterThanOrEqual(32);
    // Kept in DATA_DIR so tokens minted by the cli stay valid across restarts.
    expect(loadConfig({ DATA_DIR: dir }).authJwtSecret).toBe(dev.authJwtSecret);
  });

  it('refuses an insecure EventStoreDB in production', () => {
    expect(() =>
      loadConfig({ ...secrets, NODE_ENV: 'production', EVENTSTORE_URL: 'esdb://es:2113?tls=false', MONGODB_URL: 'mongodb://m/?replicaSet=rs0' }),
    ).toThrow(ConfigError);
  });
});
