import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { signJwt } from '../../libs/application/src/auth/jwt';
import { signWebhook } from '../../libs/application/src/auth/webhook-signature';
import { SqliteEventStore } from '../../libs/event-store/src/embedded/sqlite-event-store';
import { JWT_SECRET, WEBHOOK_SECRET } from './economy-harness';

const root = join(__dirname, '..', '..');

async function waitForHealth(base: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the service exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${base}/health`)).ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error('the service did not become healthy');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('the real service: read-your-writes across its projector thread, and graceful shutdown', () => {
  it('finishes the commands in flight on SIGTERM: every 201 is on disk, and it exits 0', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'coinstream-shutdown-'));
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const base = `http://127.0.0.1:${port}`;
    const child = spawn(process.execPath, ['-r', './test/support/swc-register.js', 'apps/api/src/main.ts'], {
      cwd: root,
      env: { ...process.env, NODE_ENV: 'test', PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, AUTH_JWT_SECRET: JWT_SECRET, PAYMENT_WEBHOOK_SECRET: WEBHOOK_SECRET, LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      await waitForHealth(base, child);
      const body = JSON.stringify({ paymentId: 'p1', userId: 'zoe', packageId: 'coins-17500', region: 'US', channel: 'app_store', amount: { value: 24_999, currency: 'USD' }, status: 'succeeded' });
      const funded = await fetch(`${base}/v1/payments/webhook`, {
        method: 'POST', body, headers: { 'content-type': 'application/json', 'x-signature': signWebhook(body, WEBHOOK_SECRET, Math.floor(Date.now() / 1000)) },
      });
      expect(funded.status).toBe(200);
      // The real service projects on a worker thread: read-your-writes must still hold.
      const { position } = (await funded.json()) as { position: number };
      const wallet = await fetch(`${base}/v1/wallets/me?minPosition=${position}`, { headers: { authorization: `Bearer ${signJwt({ sub: 'zoe', roles: ['user'] }, JWT_SECRET)}` } });
      expect(wallet.status).toBe(200);
      expect(await wallet.json()).toMatchObject({ balance: 17_500 });
      const created = await fetch(`${base}/v1/creators/me`, { method: 'POST', headers: { authorization: `Bearer ${signJwt({ sub: 'yan', roles: ['creator'] }, JWT_SECRET)}` } });
      expect(created.status).toBe(201);

      const token = signJwt({ sub: 'zoe', roles: ['user'] }, JWT_SECRET);
      const gifts = Array.from({ length: 200 }, () =>
        fetch(`${base}/v1/gifts`, {
          method: 'POST',
          body: JSON.stringify({ creatorId: 'yan', giftId: 'rose', quantity: 1 }),
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'idempotency-key': randomUUID() },
        }).then((r) => r.status, () => 'refused' as const),
      );
      await Promise.race(gifts);
      child.kill('SIGTERM');
      const statuses = await Promise.all(gifts);
      expect(await exited).toBe(0);

      const accepted = statuses.filter((s) => s === 201).length;
      expect(accepted).toBeGreaterThan(0);
      expect(statuses.every((s) => s === 201 || s === 503 || s === 'refused')).toBe(true);
      const store = SqliteEventStore.open({ file: join(dataDir, 'events.db') });
      try {
        const sent = (await store.readStream('wallet-zoe')).filter((e) => e.type === 'GiftSent');
        expect(sent).toHaveLength(accepted);
      } finally {
        await store.close();
      }
    } catch (error) {
      throw new Error(`${(error as Error).message}\nservice output:\n${stderr}`, { cause: error });
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 90_000);
});
