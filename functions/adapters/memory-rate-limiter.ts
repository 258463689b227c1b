import { type RateDecision, type RateLimiter, type RateRule, windowOf } from '#shared/ports/rate-limiter.ts';

/**
 * Fixed-window counters in this process's memory: for a single process (the local OIDC issuer, tests). Lambda
 * functions use the DynamoDB limiter, which all their instances share. Expired windows are swept as keys are hit.
 */
export class MemoryRateLimiter implements RateLimiter {
  private readonly counters = new Map<string, { windowEnd: number; hits: number }>();

  async hit(key: { partition: string; name: string }, rule: RateRule, now: Date): Promise<RateDecision> {
    return this.hitSync(`${key.partition}|${key.name}`, rule, now);
  }

  /** The same, synchronously (for callers that are not async). */
  hitSync(id: string, rule: RateRule, now: Date): RateDecision {
    const { end } = windowOf(now, rule.windowSeconds);
    const seconds = Math.floor(now.getTime() / 1000);
    if (this.counters.size > 10_000) {
      for (const [k, v] of this.counters) if (v.windowEnd <= seconds) this.counters.delete(k);
    }
    const current = this.counters.get(id);
    const counter = current && current.windowEnd === end ? current : { windowEnd: end, hits: 0 };
    counter.hits++;
    this.counters.set(id, counter);
    return counter.hits > rule.limit
      ? { allowed: false, retryAfterSeconds: Math.max(1, end - seconds) }
      : { allowed: true, retryAfterSeconds: 0 };
  }

  /** Whether a key is over its limit now, without counting a hit. */
  isBlocked(id: string, rule: RateRule, now: Date): RateDecision {
    const { end } = windowOf(now, rule.windowSeconds);
    const current = this.counters.get(id);
    const seconds = Math.floor(now.getTime() / 1000);
    return current && current.windowEnd === end && current.hits >= rule.limit
      ? { allowed: false, retryAfterSeconds: Math.max(1, end - seconds) }
      : { allowed: true, retryAfterSeconds: 0 };
  }

  /** Forgets a key (a successful sign-in clears the account's failures). */
  reset(id: string): void {
    this.counters.delete(id);
  }
}
