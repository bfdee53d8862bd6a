'use strict';
const os = require('node:os');

/** What the numbers were measured on: they only compare within one run on one machine. */
function machine() {
  const cpus = os.cpus();
  return {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model,
    totalMemMb: Math.round(os.totalmem() / 2 ** 20),
    loadAvgAtStart: os.loadavg().map((l) => Math.round(l * 100) / 100),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    sqlite: require('better-sqlite3')(':memory:').prepare('select sqlite_version()').pluck().get(),
  };
}

module.exports = { machine };
