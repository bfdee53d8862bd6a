'use strict';
const autocannon = require('autocannon');

/**
 * One autocannon run, timed or of a set number of requests; the same generator and settings drive our server and the baselines so the
 * ratio compares servers, not load generators. Non-2xx answers are counted, never hidden.
 */
function load({ url, connections, durationSec, amount, requests }) {
  // A set amount of requests (a warm-up pass) runs until all are answered; otherwise for durationSec.
  const stop = amount === undefined ? { duration: durationSec } : { amount };
  return new Promise((resolve, reject) => {
    const instance = autocannon({ url, connections, ...stop, pipelining: 1, requests }, (error, result) => {
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
