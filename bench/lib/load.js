'use strict';
const autocannon = require('autocannon');

/**
 * One autocannon run; the same generator and settings drive our server and the baselines so the
 * ratio compares servers, not load generators. Non-2xx answers are counted, never hidden.
 */
function load({ url, connections, durationSec, requests }) {
  return new Promise((resolve, reject) => {
    const instance = autocannon({ url, connections, duration: durationSec, pipelining: 1, requests }, (error, result) => {
      if (error) return reject(error);
      resolve({
        requestsPerSec: result['2xx'] / result.duration,
        ok: result['2xx'],
        non2xx: result.non2xx,
        errors: result.errors,
        timeouts: result.timeouts,
        p50_ms: result.latency.p50,
        p99_ms: result.latency.p99,
        max_ms: result.latency.max,
        total: result.requests.total,
      });
    });
    instance.on('error', reject);
  });
}

module.exports = { load };
