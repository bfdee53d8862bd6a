import { ApiError } from './api-error';

/**
 * A token bucket per caller, in this process: a burst of one minute's allowance, refilled
 * continuously. Buckets untouched for a minute are forgotten so memory stays bounded.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private lastSweep = Date.now();

  constructor(private readonly perMinute: number, private readonly now: () => number = Date.now) {}

  take(key: string): void {
    const now = this.now();
    this.sweep(now);
    const bucket = this.buckets.get(key) ?? { tokens: this.perMinute, at: now };
    bucket.tokens = Math.min(this.perMinute, bucket.tokens + ((now - bucket.at) * this.perMinute) / 60_000);
    bucket.at = now;
    if (bucket.tokens < 1) {
      this.buckets.set(key, bucket);
      throw new ApiError(429, 'RATE_LIMITED', 'Too many requests; slow down and retry shortly.', {
        limitPerMinute: this.perMinute,
      });
    }
    bucket.tokens -= 1;
    this.buckets.set(key, bucket);
  }

  private sweep(now: number): void {
    if (now - this.lastSweep < 60_000) return;
    this.lastSweep = now;
    for (const [key, bucket] of this.buckets) if (now - bucket.at > 60_000) this.buckets.delete(key);
  }
}
