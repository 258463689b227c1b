import { ErrorResponseSchema } from '../../../shared/contracts/index.ts';

/** Codes the client itself produces when there is no usable error body from the API. */
export type ClientErrorCode = 'network_error' | 'timeout' | 'invalid_response';

/**
 * Every failure of an API call: a non-2xx answer (with the server's `{error:{code,message}}`), an unreachable
 * API (`status` 0) or a response that does not match the shared contract. Messages are safe to show.
 */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  /** HTTP status, or 0 when no response arrived. */
  readonly status: number;
  /** The server's stable machine code (e.g. `workspace_exists`), or a {@link ClientErrorCode}. */
  readonly code: string;
  readonly details: unknown;

  constructor(init: { status: number; code: string; message: string; details?: unknown; cause?: unknown }) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.status = init.status;
    this.code = init.code;
    this.details = init.details;
  }

  /** The API answered 401: the token is missing, expired or no longer accepted. */
  get isUnauthenticated(): boolean {
    return this.status === 401;
  }

  /** No answer at all (offline, DNS, CORS, server down, timeout). */
  get isUnreachable(): boolean {
    return this.status === 0 && (this.code === 'network_error' || this.code === 'timeout');
  }
}

export function isApiError(value: unknown): value is ApiError {
  return value instanceof ApiError;
}

/** Builds the ApiError for a non-2xx response, trusting the body only when it matches the shared contract. */
export function apiErrorFromResponse(status: number, body: unknown, statusText: string): ApiError {
  const parsed = ErrorResponseSchema.safeParse(body);
  if (parsed.success) {
    const { code, message, details } = parsed.data.error;
    return new ApiError({ status, code, message, details });
  }
  return new ApiError({
    status,
    code: `http_${status}`,
    message: `The API answered ${status}${statusText ? ` ${statusText}` : ''} without an error description.`,
  });
}

/** A one-line, human explanation of any error thrown by a query or mutation. */
export function describeError(error: unknown): string {
  if (isApiError(error)) {
    if (error.code === 'network_error') return 'The PromptPulse API could not be reached. Check your connection.';
    if (error.code === 'timeout') return 'The PromptPulse API took too long to answer.';
    return error.message;
  }
  if (error instanceof Error && error.message) return error.message;
  return 'Something unexpected went wrong.';
}
