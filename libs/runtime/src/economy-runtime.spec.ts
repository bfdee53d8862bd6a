import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../../application/src/logger';
import { ConfigError, loadConfig } from './config';
import { EconomyRuntime } from './economy-runtime';

const secrets = { AUTH_JWT_SECRET: 'j'.repeat(32), PAYMENT_WEBHOOK_SECRET: 'w'.repeat(32) };

describe('the catalog is validated at start-up', () => {
  it.each([
    ['not JSON', '{ nope', /CATALOG_FILE .* could not be read as JSON/],
    ['an invalid catalog', JSON.stringify({ version: 1 }), /CATALOG_FILE .* is not a valid catalog: catalog: /],
  ])('refuses %s with one sentence naming the file', async (_, content, message) => {
    const dir = mkdtempSync(join(tmpdir(), 'coinstream-catalog-'));
    const file = join(dir, 'catalog.json');
    writeFileSync(file, content);
    const config = loadConfig({ ...secrets, DATA_DIR: dir, CATALOG_FILE: file });
    const opening = EconomyRuntime.open(config, silentLogger, { runProjector: false });
    await expect(opening).rejects.toBeInstanceOf(ConfigError);
    await expect(opening).rejects.toThrow(message);
  });

  it('opens on the default catalog and closes cleanly', async () => {
    const runtime = await EconomyRuntime.open(loadConfig({ ...secrets, DATA_DIR: mkdtempSync(join(tmpdir(), 'coinstream-rt-')) }), silentLogger);
    expect(runtime.catalog.gifts.map((g) => g.giftId)).toContain('universe');
    expect(await runtime.asOfPosition()).toBe(0n);
    await runtime.close();
  });
});
