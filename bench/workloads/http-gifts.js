'use strict';
const { randomUUID } = require('node:crypto');
const { readFileSync, readdirSync } = require('node:fs');
const { join } = require('node:path');
const { runWorker, startServer } = require('../lib/child');
const { dist, SECRETS, serverEnv } = require('../lib/economy');
const { load } = require('../lib/load');

const { signJwt } = dist('libs/application/src/auth/jwt');

/**
 * Requests that rotate over every funded wallet: each gift has its sender's token and a fresh
 * Idempotency-Key, so every 201 is a new GiftSent durably appended.
 */
function giftRequests(wallets, creators) {
  const tokens = Array.from({ length: wallets }, (_, w) => `Bearer ${signJwt({ sub: `user-${w}`, roles: ['user'], expiresInSeconds: 7200 }, SECRETS.AUTH_JWT_SECRET)}`);
  const bodies = Array.from({ length: creators }, (_, c) => JSON.stringify({ creatorId: `creator-${c}`, giftId: 'rose', quantity: 1 }));
  let next = 0;
  return [
    {
      method: 'POST',
      path: '/v1/gifts',
      setupRequest: (request) => {
        const w = next++ % wallets;
        request.headers = {
          'content-type': 'application/json',
          authorization: tokens[w],
          'idempotency-key': randomUUID(),
        };
        request.body = bodies[w % creators];
        return request;
      },
    },
  ];
}

/**
 * CPU time (user + system, µs) each thread of a process has used so far, from /proc (Linux); null
 * where /proc cannot say. Threads are told apart by id; a thread that ended between two readings
 * is lost, which only ever undercounts.
 */
function threadCpuMicros(pid) {
  try {
    const ticksPerSecond = 100; // USER_HZ: 100 on every Linux we run on.
    const threads = new Map();
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      threads.set(tid, ((Number(fields[11]) + Number(fields[12])) * 1e6) / ticksPerSecond);
    }
    return threads;
  } catch {
    return null;
  }
}

/**
 * CPU per answered request over a measured window: the server's threads (largest first: the event
 * loop, then its worker threads, then V8's helpers) and the load generator (this process, which
 * runs autocannon and nothing else meanwhile). On two saturated cores this, not the rate, says
 * where a request's cost lies; it moves far less from run to run than the rate does.
 */
async function measuredWithCpu(pid, answered, run) {
  const before = threadCpuMicros(pid);
  const generatorBefore = process.cpuUsage();
  const result = await run();
  const after = threadCpuMicros(pid);
  const generator = process.cpuUsage(generatorBefore);
  const n = Math.max(1, answered(result));
  if (!before || !after) return { ...result, cpu_us_per_request: null };
  const threads = [...after]
    .map(([tid, micros]) => (micros - (before.get(tid) ?? 0)) / n)
    .filter((micros) => micros > 0)
    .sort((a, b) => b - a);
  const server = threads.reduce((sum, micros) => sum + micros, 0);
  return {
    ...result,
    cpu_us_per_request: {
      server: Math.round(server),
      threads: threads.filter((micros) => micros >= 1).map(Math.round),
      load_generator: Math.round((generator.user + generator.system) / n),
    },
  };
}

/** Starts a server, warms it up (every wallet once, then warmupSec), measures it with the same gift requests, and stops it. */
async function measureServer(command, env, { wallets, creators, connections, warmupSec, durationSec, port, nodeArgs = [] }) {
  const server = await startServer(command, nodeArgs, env, port);
  try {
    const requests = giftRequests(wallets, creators);
    const url = `http://127.0.0.1:${port}`;
    // Warm-up: first one gift from every wallet, so the measured rounds are the steady state of a
    // server its users have already reached (each wallet's stream folded once and each token
    // verified once), not its first touches; then warmupSec more of the same load.
    const first = await load({ url, connections, amount: wallets, requests });
    const warm = await load({ url, connections, durationSec: warmupSec, requests });
    const result = await measuredWithCpu(server.pid, (r) => r.ok, () => load({ url, connections, durationSec, requests }));
    // Every 2xx of the run, warm-up included: each one is a gift the server said it recorded.
    return { ...result, acknowledged: first.ok + warm.ok + result.ok, peak_rss_mb: server.peakRssMb() };
  } finally {
    await server.stop();
  }
}

/** Our server as `npm start` runs it, on freshly seeded wallets; the run's data audited after it stops. */
function oursRound(options) {
  return apiRound(options, `http-gifts-${options.round}`, {});
}

/**
 * A floor under ours: the same server with no read side (`RUN_PROJECTOR=false`: no projections and
 * no diamonds reactor), so only the edge, the decision and the durable append are left. What the
 * product adds on top of it (read models, one credit per gift) can only cost more.
 */
function withoutReadSideRound(options) {
  return apiRound(options, `http-no-read-side-${options.round}`, { RUN_PROJECTOR: 'false' });
}

async function apiRound(options, name, env) {
  const dataDir = join(options.tmp, name);
  const seeded = await runWorker('seed.js', { dataDir, wallets: options.wallets, creators: options.creators });
  const result = await measureServer([join(__dirname, '..', '..', 'dist/apps/api/src/main.js')], { ...serverEnv(dataDir), ...env }, options);
  const audit = await runWorker('verify-run.js', { dataDir });
  return { ...result, storage: seeded.settings, audit };
}

function echoRound(options) {
  return measureServer([join(__dirname, '..', 'workers', 'echo-server.js')], {}, options);
}

/** Our HTTP edge with the gift command answered for free (workers/edge-floor-server.js). */
function edgeRound(options) {
  const dataDir = join(options.tmp, `http-edge-${options.round}`);
  return measureServer([join(__dirname, '..', 'workers', 'edge-floor-server.js'), JSON.stringify({ dataDir })], serverEnv(dataDir), options);
}

/** The framework alone: Nest on Fastify, our strict ValidationPipe and DTO, a fixed 201 (workers/nest-floor-server.js). */
function nestRound(options) {
  return measureServer([join(__dirname, '..', 'workers', 'nest-floor-server.js')], {}, options);
}

module.exports = { oursRound, withoutReadSideRound, echoRound, edgeRound, nestRound, giftRequests };
