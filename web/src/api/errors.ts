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

/** Field messages keyed by dotted path (`aliases.0.value`), from zod issues or from an API error's `details`. */
export type FieldErrors = Record<string, string>;

function pathKey(path: unknown): string | null {
  if (Array.isArray(path)) return path.map(String).join('.');
  if (typeof path === 'string') return path.replace(/\[(\d+)\]/g, '.$1').replace(/^\./, '');
  return null;
}

/** Turns `[{path, message}]` (API details or zod issues) into {@link FieldErrors}; the first message per path wins. */
export function fieldErrorsFrom(issues: unknown, prefix = ''): FieldErrors {
  const out: FieldErrors = {};
  if (!Array.isArray(issues)) return out;
  for (const issue of issues) {
    if (typeof issue !== 'object' || issue === null) continue;
    const { path, message } = issue as { path?: unknown; message?: unknown };
    const key = pathKey(path);
    if (key === null || typeof message !== 'string') continue;
    const full = prefix ? (key ? `${prefix}.${key}` : prefix) : key;
    out[full] ??= message;
  }
  return out;
}

/** The field errors carried by an API error (validation or alias collision), if any. */
export function apiFieldErrors(error: unknown, prefix = ''): FieldErrors {
  return isApiError(error) ? fieldErrorsFrom(error.details, prefix) : {};
}

/** CSV import problems: `[{row, column, message}]`. */
export interface CsvRowError {
  row: number | null;
  column: string | null;
  message: string;
}

export function csvRowErrors(error: unknown): CsvRowError[] {
  if (!isApiError(error) || !Array.isArray(error.details)) return [];
  const rows: CsvRowError[] = [];
  for (const item of error.details) {
    if (typeof item !== 'object' || item === null) continue;
    const { row, column, message } = item as { row?: unknown; column?: unknown; message?: unknown };
    rows.push({
      row: typeof row === 'number' ? row : null,
      column: typeof column === 'string' ? column : null,
      message: typeof message === 'string' ? message : JSON.stringify(item),
    });
  }
  return rows;
}

/** Conflicts a user can act on, in plain words. Falls back to the server's message. */
export function describeMutationError(error: unknown): string {
  if (isApiError(error)) {
    if (error.status === 412 || error.code === 'version_mismatch') {
      return 'Someone else changed this in the meantime — reload to see their changes, then apply yours again.';
    }
    if (error.status === 428)
      return 'The update was refused because it did not say which version it changes. Reload and try again.';
    if (error.status === 403) return 'Your role does not allow this change.';
    if (error.code === 'plan_limit_reached') return `Your plan's limit is reached: ${error.message}`;
    if (error.code === 'last_owner') return 'A workspace needs at least one owner: make someone else an owner first.';
  }
  return describeError(error);
}

export function isVersionConflict(error: unknown): boolean {
  return isApiError(error) && (error.status === 412 || error.code === 'version_mismatch');
}
