import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { HttpError } from './http-errors.ts';
import { header } from './request.ts';

/**
 * Reads the version a client edited from `If-Match` (`"3"`, `W/"3"` or `3`). Writes to versioned resources
 * require it (428 when missing), so a client cannot overwrite a change it never saw.
 */
export function expectedVersion(event: APIGatewayProxyEventV2): number {
  const value = header(event, 'if-match');
  if (value === undefined || value.trim() === '') {
    throw new HttpError(428, 'precondition_required', 'Send If-Match with the version you edited (e.g. If-Match: "3")');
  }
  const match = value.trim().match(/^(?:W\/)?"?(\d{1,9})"?$/);
  if (!match?.[1]) throw new HttpError(400, 'invalid_if_match', 'If-Match must be a version number such as "3"');
  return Number(match[1]);
}

/** The strong ETag for a version number. */
export const etag = (version: number) => `"${version}"`;
