'use strict';
/** Summaries of repeated rounds: the median is what we report, min–max shows the noise. */

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function summary(values) {
  return { median: round(median(values)), min: round(Math.min(...values)), max: round(Math.max(...values)), rounds: values.map(round) };
}

/** Nearest-rank percentile of raw samples. */
function percentile(samples, p) {
  if (samples.length === 0) return NaN;
  const sorted = Float64Array.from(samples).sort();
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function round(n) {
  return Math.abs(n) >= 100 ? Math.round(n) : Math.round(n * 100) / 100;
}

module.exports = { median, summary, percentile, round };
