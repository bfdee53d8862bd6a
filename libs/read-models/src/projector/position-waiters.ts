import type { GlobalPosition } from '../../../event-store/src/event-store.port';

/**
 * Callers waiting until the read models reach a position (read-your-writes), woken by every
 * committed batch rather than by polling.
 */
export class PositionWaiters {
  private readonly waiters = new Set<() => void>();

  constructor(private readonly reached: (position: GlobalPosition) => boolean) {}

  /** True as soon as `reached(position)`; false after timeoutMs. */
  wait(position: GlobalPosition, timeoutMs: number): Promise<boolean> {
    if (this.reached(position)) return Promise.resolve(true);
    return new Promise((resolve) => {
      const check = (): void => {
        if (this.reached(position)) finish(true);
      };
      const finish = (result: boolean): void => {
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve(result);
      };
      const timer = setTimeout(() => finish(false), Math.max(0, timeoutMs));
      this.waiters.add(check);
    });
  }

  /** A batch committed: every waiter looks again. */
  notify(): void {
    for (const check of [...this.waiters]) check();
  }
}
