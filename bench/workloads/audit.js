'use strict';
/* global fetch -- Node 20 has fetch built in. */
const { join } = require('node:path');
const { runWorker, startServer } = require('../lib/child');
const { dist, SECRETS, serverEnv } = require('../lib/economy');
const { load } = require('../lib/load');

const { signJwt } = dist('libs/application/src/auth/jwt');

/** Seeds a wallet with a long history once; every round then starts a server on a copy of it. */
async function seedAudit({ tmp, events }) {
  const dataDir = join(tmp, 'audit-seed');
  const seeded = await runWorker('seed.js', { dataDir, wallets: 0, creators: 1, auditWallet: { userId: 'auditee', events } });
  return { dataDir, ...seeded.audit };
}

/** One connection, back to back: the latency an auditor sees, not a throughput contest. */
async function auditRound({ tmp, round, seed, warmupSec, durationSec, port, nodeArgs = [] }) {
  const { cpSync } = require('node:fs');
  const dataDir = join(tmp, `audit-${round}`);
  cpSync(seed.dataDir, dataDir, { recursive: true });
  const server = await startServer([join(__dirname, '..', '..', 'dist/apps/api/src/main.js')], nodeArgs, serverEnv(dataDir), port);
  try {
    const token = signJwt({ sub: 'bench-auditor', roles: ['auditor'], expiresInSeconds: 7200 }, SECRETS.AUTH_JWT_SECRET);
    const path = `/v1/audit/wallets/${seed.userId}/balance?at=${encodeURIComponent(seed.at)}`;
    const check = await fetch(`http://127.0.0.1:${port}${path}`, { headers: { authorization: `Bearer ${token}` } });
    const body = await check.json();
    if (check.status !== 200) throw new Error(`audit balance answered ${check.status}: ${JSON.stringify(body)}`);
    const requests = [{ method: 'GET', path, headers: { authorization: `Bearer ${token}` } }];
    const url = `http://127.0.0.1:${port}`;
    await load({ url, connections: 1, durationSec: warmupSec, requests });
    const result = await load({ url, connections: 1, durationSec, requests });
    return { ...result, balance: body.balance, sample: body, peak_rss_mb: server.peakRssMb() };
  } finally {
    await server.stop();
  }
}

module.exports = { seedAudit, auditRound };
