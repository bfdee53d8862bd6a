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

/**
 * A ratio that is held against a goal (0.25, 0.5, 10): three decimals below 10, so a median of
 * 0.496 is reported as 0.496 and never as a goal met (two decimals made it 0.5).
 */
function roundRatio(n) {
  return Math.abs(n) >= 10 ? round(n) : Math.round(n * 1000) / 1000;
}

/** The median of the rounds' ratios ours[i] / baseline[i], each round compared only with its own baseline. */
function medianRatio(ours, baseline) {
  if (ours.length !== baseline.length) throw new Error(`${ours.length} rounds against ${baseline.length} baseline rounds`);
  return roundRatio(median(ours.map((v, i) => v / baseline[i])));
}

module.exports = { median, summary, percentile, round, roundRatio, medianRatio };
