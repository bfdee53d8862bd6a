import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * Configuration from the environment, validated once at start-up. A bad value stops the app
 * with ConfigError: one sentence naming the variable and what it must be.
 */
export type AppConfig = {
  nodeEnv: 'development' | 'production' | 'test';
  host: string;
  port: number;
  dataDir: string;
  storage: { kind: 'embedded'; dataDir: string } | { kind: 'external'; eventStoreUrl: string; mongodbUrl: string; mongodbDb: string };
  authJwtSecret: string;
  paymentWebhookSecret: string;
  /** True when development secrets were generated (and kept in DATA_DIR) because none were set. */
  secretsGenerated: boolean;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  catalogFile: string | null;
  /** Run projections and the diamonds reactor in this process (off for api-only replicas). */
  runProjector: boolean;
  /**
   * Least time between two live batches of the projections and of the diamonds reactor: under load
   * a busy read model is written, and a creator credited, once per interval instead of once per commit.
   */
  projectorBatchIntervalMs: number;
  /**
   * What the command side keeps in memory: the folded state of at most `streams` streams, holding
   * at most `keys` idempotency keys in all (least recently used streams leave first).
   */
  commandCache: { streams: number; keys: number };
  webhookToleranceSeconds: number;
  rateLimitPerMinute: number;
  readYourWritesTimeoutMs: number;
  shutdownTimeoutMs: number;
};

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

type Env = Record<string, string | undefined>;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const MIN_SECRET_LENGTH = 32;

export function loadConfig(env: Env = process.env): AppConfig {
  const nodeEnv = oneOf(env, 'NODE_ENV', ['development', 'production', 'test'] as const, 'development');
  const dataDir = resolve(text(env, 'DATA_DIR') ?? './data');
  const eventStoreUrl = text(env, 'EVENTSTORE_URL');
  const mongodbUrl = text(env, 'MONGODB_URL');
  if ((eventStoreUrl === undefined) !== (mongodbUrl === undefined)) {
    const missing = eventStoreUrl === undefined ? 'EVENTSTORE_URL' : 'MONGODB_URL';
    throw new ConfigError(
      `EVENTSTORE_URL and MONGODB_URL go together: set ${missing} too, or unset both to use the embedded storage in DATA_DIR.`,
    );
  }
  if (eventStoreUrl !== undefined && !/^esdb(\+discover)?:\/\//.test(eventStoreUrl)) {
    throw new ConfigError('EVENTSTORE_URL must be an EventStoreDB connection string starting with esdb:// or esdb+discover://.');
  }
  if (mongodbUrl !== undefined && !/^mongodb(\+srv)?:\/\//.test(mongodbUrl)) {
    throw new ConfigError('MONGODB_URL must be a MongoDB connection string starting with mongodb:// or mongodb+srv://.');
  }
  if (nodeEnv === 'production' && eventStoreUrl !== undefined && /tls=false/i.test(eventStoreUrl)) {
    throw new ConfigError('EVENTSTORE_URL has tls=false, which is refused in production: use a secure EventStoreDB.');
  }

  const secrets = resolveSecrets(env, nodeEnv, dataDir);
  const storage: AppConfig['storage'] =
    eventStoreUrl !== undefined && mongodbUrl !== undefined
      ? { kind: 'external', eventStoreUrl, mongodbUrl, mongodbDb: text(env, 'MONGODB_DB') ?? 'coinstream' }
      : { kind: 'embedded', dataDir };

  return {
    nodeEnv,
    host: text(env, 'HOST') ?? '0.0.0.0',
    port: integer(env, 'PORT', 3000, 0, 65535),
    dataDir,
    storage,
    ...secrets,
    logLevel: oneOf(env, 'LOG_LEVEL', LOG_LEVELS, nodeEnv === 'test' ? 'silent' : 'info'),
    catalogFile: text(env, 'CATALOG_FILE') ?? null,
    runProjector: boolean(env, 'RUN_PROJECTOR', true),
    projectorBatchIntervalMs: integer(env, 'PROJECTOR_BATCH_INTERVAL_MS', 50, 0, 1_000),
    commandCache: {
      streams: integer(env, 'COMMAND_CACHE_STREAMS', 50_000, 1, 10_000_000),
      keys: integer(env, 'COMMAND_CACHE_KEYS', 1_000_000, 1, 1_000_000_000),
    },
    webhookToleranceSeconds: 300,
    rateLimitPerMinute: integer(env, 'RATE_LIMIT_PER_MINUTE', 60_000, 1, 10_000_000),
    readYourWritesTimeoutMs: 5_000,
    shutdownTimeoutMs: integer(env, 'SHUTDOWN_TIMEOUT_MS', 10_000, 0, 600_000),
  };
}

function resolveSecrets(
  env: Env,
  nodeEnv: AppConfig['nodeEnv'],
  dataDir: string,
): Pick<AppConfig, 'authJwtSecret' | 'paymentWebhookSecret' | 'secretsGenerated'> {
  const jwt = text(env, 'AUTH_JWT_SECRET');
  const webhook = text(env, 'PAYMENT_WEBHOOK_SECRET');
  for (const [name, value] of [['AUTH_JWT_SECRET', jwt], ['PAYMENT_WEBHOOK_SECRET', webhook]] as const) {
    if (value !== undefined && value.length < MIN_SECRET_LENGTH) {
      throw new ConfigError(`${name} must be at least ${MIN_SECRET_LENGTH} characters long.`);
    }
  }
  if (jwt !== undefined && webhook !== undefined) {
    return { authJwtSecret: jwt, paymentWebhookSecret: webhook, secretsGenerated: false };
  }
  if (nodeEnv === 'production') {
    const missing = [jwt === undefined && 'AUTH_JWT_SECRET', webhook === undefined && 'PAYMENT_WEBHOOK_SECRET'].filter(Boolean);
    throw new ConfigError(`In production ${missing.join(' and ')} must be set (at least ${MIN_SECRET_LENGTH} characters each).`);
  }
  const generated = developmentSecrets(dataDir);
  return {
    authJwtSecret: jwt ?? generated.authJwtSecret,
    paymentWebhookSecret: webhook ?? generated.paymentWebhookSecret,
    secretsGenerated: true,
  };
}

/** Development only: secrets generated once and kept in DATA_DIR, so tokens survive restarts. */
export function developmentSecrets(dataDir: string): { authJwtSecret: string; paymentWebhookSecret: string } {
  const file = join(dataDir, 'dev-secrets.json');
  if (existsSync(file)) {
    const stored = JSON.parse(readFileSync(file, 'utf8')) as { authJwtSecret: string; paymentWebhookSecret: string };
    return stored;
  }
  mkdirSync(dataDir, { recursive: true });
  const secrets = {
    authJwtSecret: randomBytes(32).toString('base64url'),
    paymentWebhookSecret: randomBytes(32).toString('base64url'),
  };
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}

function text(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = text(env, name);
  if (raw === undefined) return fallback;
  const value = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, got "${raw}".`);
  }
  return value;
}

function boolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = text(env, name);
  if (raw === undefined) return fallback;
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  throw new ConfigError(`${name} must be true or false, got "${raw}".`);
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = text(env, name);
  if (raw === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigError(`${name} must be one of ${allowed.join(', ')}, got "${raw}".`);
  }
  return raw as T;
}
