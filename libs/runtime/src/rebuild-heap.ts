import { setFlagsFromString } from 'node:v8';

/**
 * For a process about to rebuild: lets V8's old generation grow 80 % past what its last full
 * collection kept, instead of the several times as much it allows by default. A rebuild holds up
 * to 150,000 merging documents; on 1M events peak RSS fell from 303 to 242 MB at the same speed
 * (bench/ANALYSIS.md). Process-wide and never undone, so only a process started to rebuild (the
 * CLI's rebuild) calls it.
 */
export function keepRebuildHeapNearLive(): void {
  setFlagsFromString('--heap-growing-percent=80');
}
