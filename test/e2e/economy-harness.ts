import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadConfig } from '../../libs/runtime/src/config';
import { EconomyRuntime, type RuntimeOptions } from '../../libs/runtime/src/economy-runtime';
import { silentLogger } from '../../libs/application/src/logger';
import { signJwt, type Role } from '../../libs/application/src/auth/jwt';
import { signWebhook } from '../../libs/application/src/auth/webhook-signature';
import { createApp } from '../../apps/api/src/create-app';
import { MongoReadStore } from '../../libs/read-models/src/mongodb/mongo-read-store';

export const JWT_SECRET = 'test-jwt-secret-that-is-long-enough-0123456789';
export const WEBHOOK_SECRET = 'test-webhook-secret-that-is-long-enough-012345';

export type Reply = { status: number; body: any; headers: Record<string, unknown> };

/**
 * The economy as a client app sees it, over HTTP (Fastify inject, no socket). On the embedded
 * default unless EVENTSTORE_URL and MONGODB_URL point at real servers: the same tests then run
 * against EventStoreDB and MongoDB, with ids unique per run so shared servers do not collide.
 */
export class EconomyHarness {
  readonly run = randomUUID().slice(0, 8);

  private constructor(
    readonly app: NestFastifyApplication,
    readonly runtime: EconomyRuntime,
    private readonly dataDir: string,
  ) {}

  /** `runtime` as the api's main passes it (e.g. the embedded default's worker threads), or none. */
  static async start(env: Record<string, string> = {}, runtime: RuntimeOptions = {}): Promise<EconomyHarness> {
    const dataDir = env.DATA_DIR ?? mkdtempSync(join(tmpdir(), 'coinstream-e2e-'));
    const config = loadConfig({
      NODE_ENV: 'test',
      DATA_DIR: dataDir,
      AUTH_JWT_SECRET: JWT_SECRET,
      PAYMENT_WEBHOOK_SECRET: WEBHOOK_SECRET,
      ...(process.env.EVENTSTORE_URL && process.env.MONGODB_URL
        ? { EVENTSTORE_URL: process.env.EVENTSTORE_URL, MONGODB_URL: process.env.MONGODB_URL, MONGODB_DB: `coinstream_e2e_${randomUUID().slice(0, 8)}` }
        : {}),
      ...env,
    });
    const opened = await EconomyRuntime.open(config, silentLogger, runtime);
    const app = await createApp(opened);
    return new EconomyHarness(app, opened, dataDir);
  }

  /** A user id unique to this run. */
  id(name: string): string {
    return `${name}-${this.run}`;
  }

  async stop(): Promise<void> {
    await this.app.close();
    // On a real MongoDB each harness has a database of its own: leave nothing behind.
    if (this.runtime.readStore instanceof MongoReadStore) await this.runtime.readStore.dropDatabase();
    await this.runtime.close();
    rmSync(this.dataDir, { recursive: true, force: true });
  }

  token(sub: string, roles: Role[], expiresInSeconds = 3600): string {
    return signJwt({ sub, roles, expiresInSeconds }, JWT_SECRET);
  }

  async request(options: {
    method: 'GET' | 'POST' | 'PUT' | 'DELETE';
    url: string;
    as?: { sub: string; roles: Role[] } | string;
    body?: unknown;
    rawBody?: string;
    headers?: Record<string, string>;
  }): Promise<Reply> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.as !== undefined) {
      headers.authorization = `Bearer ${typeof options.as === 'string' ? options.as : this.token(options.as.sub, options.as.roles)}`;
    }
    let payload: string | undefined;
    if (options.rawBody !== undefined) payload = options.rawBody;
    else if (options.body !== undefined) {
      payload = JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
    const response = await this.app.getHttpAdapter().getInstance().inject({
      method: options.method,
      url: options.url,
      headers,
      ...(payload !== undefined && { payload }),
    });
    let body: unknown = response.body;
    try {
      body = JSON.parse(response.body);
    } catch {
      // not JSON: keep the text
    }
    return { status: response.statusCode, body, headers: response.headers as Record<string, unknown> };
  }

  /** The payment provider's signed webhook. */
  async webhook(body: Record<string, unknown>, options: { secret?: string; timestamp?: number } = {}): Promise<Reply> {
    const raw = JSON.stringify(body);
    const t = options.timestamp ?? Math.floor(Date.now() / 1000);
    return this.request({
      method: 'POST',
      url: '/v1/payments/webhook',
      rawBody: raw,
      headers: { 'content-type': 'application/json', 'x-signature': signWebhook(raw, options.secret ?? WEBHOOK_SECRET, t) },
    });
  }

  /** Buys a US app-store package for the user: 70 coins for $0.99 unless told otherwise. */
  async buyCoins(userId: string, packageId = 'coins-70', amount = { value: 99, currency: 'USD' }, paymentId = `pay-${randomUUID()}`): Promise<Reply> {
    return this.webhook({ paymentId, userId, packageId, region: 'US', channel: 'app_store', amount, status: 'succeeded' });
  }

  async registerCreator(creatorId: string): Promise<Reply> {
    return this.request({ method: 'POST', url: '/v1/creators/me', as: { sub: creatorId, roles: ['creator'] } });
  }

  async gift(senderId: string, body: Record<string, unknown>, key: string = randomUUID()): Promise<Reply> {
    return this.request({
      method: 'POST',
      url: '/v1/gifts',
      as: { sub: senderId, roles: ['user'] },
      body,
      headers: { 'idempotency-key': key },
    });
  }

  /** Waits until a read of `url` satisfies `done` (the diamonds reactor and projections are asynchronous). */
  async eventually(url: string, as: { sub: string; roles: Role[] }, done: (r: Reply) => boolean, timeoutMs = 10_000): Promise<Reply> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const r = await this.request({ method: 'GET', url, as });
      if (done(r) || Date.now() > deadline) return r;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
}
