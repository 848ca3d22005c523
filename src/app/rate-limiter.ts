/** A token bucket per key (client address): `burst` requests at once, refilled at `perMinute`. Pure, clock injected. */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly perMinute: number,
    private readonly burst: number,
    private readonly now: () => number = Date.now,
  ) {
    if (!(perMinute > 0) || !(burst >= 1)) throw new Error(`bad rate limit ${perMinute}/min, burst ${burst}`);
  }

  /** Takes one token; returns 0 when allowed, else the seconds until a token is free. */
  take(key: string): number {
    const now = this.now();
    const rate = this.perMinute / 60_000;
    const bucket = this.buckets.get(key) ?? { tokens: this.burst, at: now };
    bucket.tokens = Math.min(this.burst, bucket.tokens + (now - bucket.at) * rate);
    bucket.at = now;
    this.buckets.set(key, bucket);
    if (this.buckets.size > 10_000) this.prune(now, rate);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / rate / 1000));
  }

  // Full buckets carry no information, so forgetting them bounds memory under many addresses.
  private prune(now: number, rate: number): void {
    for (const [key, b] of this.buckets)
      if (b.tokens + (now - b.at) * rate >= this.burst) this.buckets.delete(key);
  }
}
