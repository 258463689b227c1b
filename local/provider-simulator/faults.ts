import type { ProviderId } from '#shared/ports/ai-provider.ts';
import type { Rng } from './rng.ts';

/** Fault injection for one provider. Rates are probabilities in [0, 1] per request, drawn in the order listed. */
export interface ProviderFaults {
  /** Response latency: uniform in [mean - jitter, mean + jitter] ms (never negative). @default {mean: 0, jitter: 0} */
  latencyMs?: { mean: number; jitter?: number };
  /**
   * Token-bucket rate limit: `requestsPerSecond` refill, `burst` capacity (@default requestsPerSecond). A request
   * finding the bucket empty gets 429 with `retry-after` = time until the next token.
   */
  rateLimit?: { requestsPerSecond: number; burst?: number };
  /** Random 429s (quota/rate-limit errors) on top of the bucket. @default 0 */
  throttleRate?: number;
  /** `retry-after` of random 429s, in seconds. @default 1 */
  retryAfterSeconds?: number;
  /** 500 internal errors. @default 0 */
  serverErrorRate?: number;
  /** 503 unavailable (Anthropic: 529 overloaded_error). @default 0 */
  unavailableRate?: number;
  /** Accept the request and never answer (until the client gives up). @default 0 */
  timeoutRate?: number;
  /** 200 whose body is cut off mid-JSON (declared Content-Length, connection dropped). @default 0 */
  truncatedRate?: number;
  /** 200 with a complete body that is not valid JSON. @default 0 */
  malformedRate?: number;
  /** 200 where the model refuses to answer. @default 0 */
  refusalRate?: number;
  /** 200 with an empty answer. @default 0 */
  emptyRate?: number;
}

/** Faults for every provider (`default`) and per provider (merged over the default). */
export type FaultConfig = Partial<Record<ProviderId | 'default', ProviderFaults>>;

export type FaultKind =
  | 'rate-limited'
  | 'throttled'
  | 'server-error'
  | 'unavailable'
  | 'timeout'
  | 'truncated'
  | 'malformed'
  | 'refusal'
  | 'empty';

export function faultsFor(config: FaultConfig, provider: ProviderId): ProviderFaults {
  return { ...config.default, ...config[provider] };
}

/** Classic token bucket on an injected clock. */
export class TokenBucket {
  #tokens: number;
  #last: number;
  constructor(
    readonly ratePerSecond: number,
    readonly capacity: number,
    private readonly now: () => number,
  ) {
    this.#tokens = capacity;
    this.#last = now();
  }

  #refill() {
    const t = this.now();
    this.#tokens = Math.min(this.capacity, this.#tokens + ((t - this.#last) / 1000) * this.ratePerSecond);
    this.#last = t;
  }

  /** Takes a token; returns 0 when granted, else the ms until one is available. */
  take(): number {
    this.#refill();
    if (this.#tokens >= 1) {
      this.#tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - this.#tokens) / this.ratePerSecond) * 1000);
  }

  remaining(): number {
    this.#refill();
    return Math.floor(this.#tokens);
  }
}

/** Draws this request's fault (or none) from the provider's fault stream. */
export function drawFault(faults: ProviderFaults, rng: Rng): FaultKind | null {
  const order: [FaultKind, number | undefined][] = [
    ['throttled', faults.throttleRate],
    ['server-error', faults.serverErrorRate],
    ['unavailable', faults.unavailableRate],
    ['timeout', faults.timeoutRate],
    ['truncated', faults.truncatedRate],
    ['malformed', faults.malformedRate],
    ['refusal', faults.refusalRate],
    ['empty', faults.emptyRate],
  ];
  // Always one draw per kind, so the stream stays aligned whatever the configured rates and outcomes.
  const rolls = order.map(() => rng());
  const hit = order.findIndex(([, rate], i) => rate !== undefined && rate > 0 && (rolls[i] ?? 1) < rate);
  return hit < 0 ? null : order[hit]![0];
}

export function drawLatencyMs(faults: ProviderFaults, rng: Rng): number {
  const mean = faults.latencyMs?.mean ?? 0;
  const jitter = faults.latencyMs?.jitter ?? 0;
  return Math.max(0, Math.round(mean + (rng() * 2 - 1) * jitter));
}
