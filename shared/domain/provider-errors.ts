/**
 * Typed failures of the AI provider port. Every adapter maps every failure (HTTP status, network, timeout, odd
 * body, refusal) to exactly one of these classes.
 *
 * The `name` of each class is a stable contract: Step Functions `Retry`/`Catch` `ErrorEquals` match on it (the
 * Lambda runtime reports `error.name` as the error type), so never rename one without updating the state machines.
 */

/** Fields common to every provider error, serialisable into workflow state and run records. */
export interface ProviderErrorDetails {
  /** Provider id (`openai`, `anthropic`, ...). */
  provider: string;
  /** HTTP status of the provider's response, when there was one. */
  status?: number | null;
  /** The provider's request id, when the failed response carried one. */
  providerRequestId?: string | null;
  /** The provider's own error code/type (`rate_limit_exceeded`, `overloaded_error`, `RESOURCE_EXHAUSTED`...). */
  providerCode?: string | null;
}

export interface ProviderErrorOptions extends ProviderErrorDetails {
  cause?: unknown;
}

/** Base class; never thrown itself. */
export abstract class ProviderError extends Error {
  /** Whether asking again later may succeed (the workflow's Retry lists exactly the retryable names). */
  abstract readonly retryable: boolean;
  readonly provider: string;
  readonly status: number | null;
  readonly providerRequestId: string | null;
  readonly providerCode: string | null;

  constructor(message: string, options: ProviderErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.provider = options.provider;
    this.status = options.status ?? null;
    this.providerRequestId = options.providerRequestId ?? null;
    this.providerCode = options.providerCode ?? null;
  }

  /** Plain data for workflow state and run records (no stack, no cause: causes may hold request bodies). */
  toJSON(): ProviderErrorRecord {
    return {
      name: this.name as ProviderErrorName,
      message: this.message,
      retryable: this.retryable,
      provider: this.provider,
      status: this.status,
      providerRequestId: this.providerRequestId,
      providerCode: this.providerCode,
      retryAfterMs: this instanceof ProviderThrottledError ? this.retryAfterMs : null,
    };
  }
}

/** 429 / quota or rate limit. Retry after `retryAfterMs` (from `retry-after`, `retry-after-ms` or Gemini RetryInfo). */
export class ProviderThrottledError extends ProviderError {
  override readonly name = 'ProviderThrottledError';
  readonly retryable = true;
  /** How long the provider asked us to wait, in ms; null when it did not say. */
  readonly retryAfterMs: number | null;
  constructor(message: string, options: ProviderErrorOptions & { retryAfterMs?: number | null }) {
    super(message, options);
    this.retryAfterMs = options.retryAfterMs ?? null;
  }
}

/** 5xx, 529 overloaded, connection refused/reset: the provider is down or overloaded. */
export class ProviderUnavailableError extends ProviderError {
  override readonly name = 'ProviderUnavailableError';
  readonly retryable = true;
}

/** No (complete) response within the adapter's timeout. */
export class ProviderTimeoutError extends ProviderError {
  override readonly name = 'ProviderTimeoutError';
  readonly retryable = true;
}

/** The response could not be used: malformed or truncated JSON, unexpected shape, empty answer. */
export class ProviderBadResponseError extends ProviderError {
  override readonly name = 'ProviderBadResponseError';
  readonly retryable = true;
}

/** The model declined to answer (refusal, content filter, safety block). Asking again gives the same. */
export class ProviderRefusedError extends ProviderError {
  override readonly name = 'ProviderRefusedError';
  readonly retryable = false;
}

/** 401/403: the key is missing, wrong, revoked, or lacks access to the model. */
export class ProviderAuthError extends ProviderError {
  override readonly name = 'ProviderAuthError';
  readonly retryable = false;
}

/** 400/404/413/422: the request itself is wrong (unknown model, bad parameter, prompt too long). */
export class ProviderInvalidRequestError extends ProviderError {
  override readonly name = 'ProviderInvalidRequestError';
  readonly retryable = false;
}

/**
 * The account's billing or quota is exhausted (OpenAI `429 insufficient_quota`, a Gemini per-day quota, Anthropic's
 * "credit balance is too low"). Asking again bills nothing and fails the same way until someone pays or the day
 * rolls over: the workflow pauses the provider for the workspace and tells the owner instead of retrying.
 */
export class ProviderQuotaError extends ProviderError {
  override readonly name = 'ProviderQuotaError';
  readonly retryable = false;
  /** When the quota is expected back (a daily quota: the provider's next reset), else null (billing: unknown). */
  readonly resumesAt: string | null;
  constructor(message: string, options: ProviderErrorOptions & { resumesAt?: string | null }) {
    super(message, options);
    this.resumesAt = options.resumesAt ?? null;
  }
}

/**
 * The provider stopped before writing any answer text (Gemini `MAX_TOKENS` spent on thinking, an OpenAI response
 * `incomplete` at `max_output_tokens` with no text). Asking again with the same settings is billed and ends the
 * same way, so it is not retried; the message says which limit was hit.
 */
export class ProviderIncompleteError extends ProviderError {
  override readonly name = 'ProviderIncompleteError';
  readonly retryable = false;
}

/** The caller aborted the call (run cancelled, Lambda deadline). Not the provider's fault; not retried here. */
export class ProviderAbortedError extends ProviderError {
  override readonly name = 'ProviderAbortedError';
  readonly retryable = false;
}

/** Every concrete error name, as matched by Step Functions `ErrorEquals`. */
export const PROVIDER_ERROR_NAMES = [
  'ProviderThrottledError',
  'ProviderUnavailableError',
  'ProviderTimeoutError',
  'ProviderBadResponseError',
  'ProviderRefusedError',
  'ProviderAuthError',
  'ProviderInvalidRequestError',
  'ProviderAbortedError',
  'ProviderQuotaError',
  'ProviderIncompleteError',
] as const;
export type ProviderErrorName = (typeof PROVIDER_ERROR_NAMES)[number];

/** Names worth retrying with backoff (the rest are recorded as failures straight away). */
export const RETRYABLE_PROVIDER_ERROR_NAMES: readonly ProviderErrorName[] = [
  'ProviderThrottledError',
  'ProviderUnavailableError',
  'ProviderTimeoutError',
  'ProviderBadResponseError',
];

/** The serialised form of a provider error. */
export interface ProviderErrorRecord {
  name: ProviderErrorName;
  message: string;
  retryable: boolean;
  provider: string;
  status: number | null;
  providerRequestId: string | null;
  providerCode: string | null;
  retryAfterMs: number | null;
}

export function isProviderError(error: unknown): error is ProviderError {
  return error instanceof ProviderError;
}
