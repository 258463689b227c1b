import type { ProviderId } from '#shared/ports/ai-provider.ts';
import { REALISTIC_BEHAVIOUR } from './realism.ts';
import type { Rng } from './rng.ts';

/** Fault injection for one provider. Rates are probabilities in [0, 1] per request, drawn in the order listed. */
export interface ProviderFaults {
  /**
   * Response latency: uniform in [mean - jitter, mean + jitter] ms (never negative). Without it the latency is the
   * realistic heavy-tailed one of the provider and surface (realism.ts) times the simulator's `latencyScale`.
   */
  latencyMs?: { mean: number; jitter?: number };
  /**
   * Billing/quota exhausted: OpenAI and Perplexity `429 insufficient_quota`, Anthropic `400` "credit balance is too
   * low", Gemini `429 RESOURCE_EXHAUSTED` with a per-day `QuotaFailure`. @default 0
   */
  quotaRate?: number;
  /** Anthropic web search: the turn stops with `stop_reason: pause_turn` half-way (continued by the client). */
  pauseTurnRate?: number;
  /** Anthropic web search: every search fails inside the 200 (`web_search_tool_result_error`). */
  searchErrorRate?: number;
  /** OpenAI web search: a failed `web_search_call` and an `open_page` step besides the searches. */
  failedSearchStepRate?: number;
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
  | 'quota'
  | 'rate-limited'
  | 'throttled'
  | 'server-error'
  | 'unavailable'
  | 'timeout'
  | 'truncated'
  | 'malformed'
  | 'refusal'
  | 'empty';

/** A provider's faults: the realistic behaviour rates, then the config's `default`, then its own entry. */
export function faultsFor(config: FaultConfig, provider: ProviderId): ProviderFaults {
  return { ...REALISTIC_BEHAVIOUR[provider], ...config.default, ...config[provider] };
}

/** Odd-but-normal shapes of a 200, drawn apart from the faults (three draws, always). */
export interface ResponseShape {
  pauseTurn: boolean;
  searchError: boolean;
  failedSearchStep: boolean;
}

export function drawShape(faults: ProviderFaults, rng: Rng): ResponseShape {
  const [a, b, c] = [rng(), rng(), rng()];
  return {
    pauseTurn: a < (faults.pauseTurnRate ?? 0),
    searchError: b < (faults.searchErrorRate ?? 0),
    failedSearchStep: c < (faults.failedSearchStepRate ?? 0),
  };
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
    ['quota', faults.quotaRate],
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

/** The configured uniform latency, or null when none is configured (the realistic one applies). */
export function drawLatencyMs(faults: ProviderFaults, rng: Rng): number | null {
  const roll = rng();
  if (!faults.latencyMs) return null;
  const mean = faults.latencyMs.mean;
  const jitter = faults.latencyMs.jitter ?? 0;
  return Math.max(0, Math.round(mean + (roll * 2 - 1) * jitter));
}
