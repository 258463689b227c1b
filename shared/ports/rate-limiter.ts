/** At most `limit` hits per fixed window of `windowSeconds`. */
export interface RateRule {
  limit: number;
  windowSeconds: number;
}

export interface RateDecision {
  allowed: boolean;
  /** Seconds until the window resets (for `Retry-After`); 0 when allowed. */
  retryAfterSeconds: number;
}

/**
 * Counts hits per key in fixed windows. `partition` is what the counter is stored under: a tenant's own partition
 * (`<tenantId>#RATE`) for tenant limits, `RATE#<kind>#<id>` for limits taken before any tenant is known (a webhook's
 * connector id). A limiter that cannot count fails open (never blocks a request because its store is down).
 */
export interface RateLimiter {
  hit(key: { partition: string; name: string }, rule: RateRule, now: Date): Promise<RateDecision>;
}

/** A limiter with the rule it applies (what the API app and the webhook route are given). */
export interface RateLimitSetting {
  limiter: RateLimiter;
  rule: RateRule;
}

/** Start (epoch seconds) and end of the fixed window holding `now`. */
export function windowOf(now: Date, windowSeconds: number): { start: number; end: number } {
  const seconds = Math.floor(now.getTime() / 1000);
  const start = seconds - (seconds % windowSeconds);
  return { start, end: start + windowSeconds };
}
