'use strict';
/* global fetch -- Node 20 has fetch built in. */
const { spawn } = require('node:child_process');
const { join } = require('node:path');
const { setTimeout, clearTimeout } = require('node:timers');

const ROOT = join(__dirname, '..', '..');

/**
 * Runs a worker script in its own process (its own event loop, its own RSS) and resolves with the
 * JSON object it prints on its last stdout line.
 */
function runWorker(script, args, { nodeArgs = [], timeoutMs = 600_000 } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, join(__dirname, '..', 'workers', script), JSON.stringify(args)], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      const last = out.trim().split('\n').pop() ?? '';
      if (code !== 0) return reject(new Error(`${script} exited ${code ?? signal}: ${err.slice(-2000)}`));
      try {
        resolve(JSON.parse(last));
      } catch {
        reject(new Error(`${script} printed no JSON result: ${out.slice(-500)} ${err.slice(-1000)}`));
      }
    });
  });
}

/** Starts a long-running server process; resolves once GET `readyPath` answers 200. */
async function startServer(command, args, env, port, readyPath = '/health') {
  const child = spawn(process.execPath, [...args, ...command], {
    cwd: ROOT,
    env: { ...process.env, ...env, PORT: String(port) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr.on('data', (d) => (err = (err + d).slice(-4000)));
  let exited = null;
  child.on('exit', (code) => (exited = code));
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited !== null) throw new Error(`server exited ${exited} before it was ready: ${err}`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}${readyPath}`);
      if (res.ok) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server not ready after 60 s: ${err}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    pid: child.pid,
    stderr: () => err,
    /** Peak resident set size so far (VmHWM), in MB. */
    peakRssMb: () => {
      try {
        const kb = /VmHWM:\s+(\d+)/.exec(require('node:fs').readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1];
        return kb ? Math.round(Number(kb) / 1024) : null;
      } catch {
        return null;
      }
    },
    stop: () =>
      new Promise((resolve) => {
        if (exited !== null) return resolve(exited);
        const kill = setTimeout(() => child.kill('SIGKILL'), 15_000);
        child.once('exit', (code) => {
          clearTimeout(kill);
          resolve(code);
        });
        child.kill('SIGTERM');
      }),
  };
}

module.exports = { runWorker, startServer, ROOT };
