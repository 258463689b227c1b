/**
 * Typed domain errors. Each carries a stable machine `code`; the HTTP edge maps the class to a status
 * (one mapper, functions/middleware/error-mapper.ts). Messages are safe to show to the caller.
 */
export abstract class DomainError extends Error {
  abstract readonly code: string;
  readonly details: unknown;
  constructor(message: string, options?: { cause?: unknown; details?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.details = options?.details;
  }
}

/** The input is well-formed JSON but breaks a rule (schema or business). */
export class ValidationError extends DomainError {
  override readonly name = 'ValidationError';
  readonly code: string;
  constructor(message: string, options?: { code?: string; details?: unknown; cause?: unknown }) {
    super(message, options);
    this.code = options?.code ?? 'validation_failed';
  }
}

/** The caller is not authenticated (missing, invalid or expired token). */
export class UnauthenticatedError extends DomainError {
  override readonly name = 'UnauthenticatedError';
  readonly code = 'unauthenticated';
}

/** The caller is authenticated but not allowed to do this. */
export class ForbiddenError extends DomainError {
  override readonly name = 'ForbiddenError';
  readonly code: string;
  constructor(message: string, options?: { code?: string; details?: unknown; cause?: unknown }) {
    super(message, options);
    this.code = options?.code ?? 'forbidden';
  }
}

/** The thing does not exist, or exists in another tenant (the two are indistinguishable on purpose). */
export class NotFoundError extends DomainError {
  override readonly name = 'NotFoundError';
  readonly code: string;
  constructor(message: string, options?: { code?: string; details?: unknown; cause?: unknown }) {
    super(message, options);
    this.code = options?.code ?? 'not_found';
  }
}

/** The request conflicts with the current state (already exists, concurrent change). */
export class ConflictError extends DomainError {
  override readonly name = 'ConflictError';
  readonly code: string;
  constructor(message: string, options?: { code?: string; details?: unknown; cause?: unknown }) {
    super(message, options);
    this.code = options?.code ?? 'conflict';
  }
}

/** The caller's copy is stale: the resource changed since they read it (HTTP 412). */
export class PreconditionFailedError extends DomainError {
  override readonly name = 'PreconditionFailedError';
  readonly code: string;
  constructor(message: string, options?: { code?: string; details?: unknown; cause?: unknown }) {
    super(message, options);
    this.code = options?.code ?? 'version_mismatch';
  }
}
