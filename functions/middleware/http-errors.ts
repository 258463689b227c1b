import type { ErrorResponse } from '#shared/contracts/errors.ts';
import {
  ConflictError,
  DomainError,
  ForbiddenError,
  NotFoundError,
  PreconditionFailedError,
  UnauthenticatedError,
  ValidationError,
} from '#shared/domain/errors.ts';
import { WarehouseError } from '#shared/ports/warehouse.ts';

/** HTTP-edge errors that have no domain meaning (transport problems). */
export class HttpError extends Error {
  override readonly name = 'HttpError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export interface MappedError {
  status: number;
  body: ErrorResponse;
  headers: Record<string, string>;
  /** True when the error is ours (a 5xx) and must be logged with its stack. */
  unexpected: boolean;
}

const STATUS_BY_CLASS: [new (...args: never[]) => DomainError, number][] = [
  [ValidationError, 400],
  [UnauthenticatedError, 401],
  [ForbiddenError, 403],
  [NotFoundError, 404],
  [ConflictError, 409],
  [PreconditionFailedError, 412],
];

/**
 * The one mapper from any thrown value to an HTTP status and `{error:{code,message,details}}` body.
 * Unknown errors become a generic 500 whose body never echoes the raw error or its stack.
 */
export function mapError(error: unknown): MappedError {
  if (error instanceof HttpError) {
    return {
      status: error.status,
      body: { error: { code: error.code, message: error.message, ...withDetails(error.details) } },
      headers: error.headers,
      unexpected: false,
    };
  }
  if (error instanceof DomainError) {
    const status = STATUS_BY_CLASS.find(([cls]) => error instanceof cls)?.[1] ?? 400;
    return {
      status,
      body: { error: { code: error.code, message: error.message, ...withDetails(error.details) } },
      headers: status === 401 ? { 'www-authenticate': 'Bearer' } : {},
      unexpected: false,
    };
  }
  if (error instanceof WarehouseError) {
    // The analytical store is unreachable or misconfigured: the client may retry later; the cause (which may name
    // configuration) is logged, never echoed.
    return {
      status: 503,
      body: {
        error: {
          code: 'warehouse_unavailable',
          message: 'Analytics are temporarily unavailable; try again in a minute. It has been logged.',
        },
      },
      headers: { 'retry-after': '60' },
      unexpected: true,
    };
  }
  return {
    status: 500,
    body: { error: { code: 'internal_error', message: 'Something went wrong on our side; it has been logged.' } },
    headers: {},
    unexpected: true,
  };
}

function withDetails(details: unknown): { details?: unknown } {
  return details === undefined ? {} : { details };
}
