/** Bounded exponential back-off: base, 2×base, 4×base … capped, so retries never hammer nor stall. */
export function backOffDelay(attempt: number, baseMs: number, capMs = 5000): number {
  return Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
}

/** Waits ms, or less when the signal aborts (the caller then checks the signal). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Paces live batches: after a batch that started at `startedAt`, waits until `intervalMs` after
 * that start, so the next batch read holds what was appended meanwhile. A full batch means more is
 * waiting already (catching up a backlog): no wait then. Ends early when the signal aborts.
 */
export async function paceAfterBatch(startedAt: number, intervalMs: number, full: boolean, signal?: AbortSignal): Promise<void> {
  const wait = startedAt + intervalMs - Date.now();
  if (wait > 0 && !full) await sleep(wait, signal);
}

/** One at a time: the live batches and a rebuild's final catch-up and switch never interleave. */
export class Mutex {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(work: () => Promise<T>): Promise<T> {
    const result = this.tail.then(work);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
