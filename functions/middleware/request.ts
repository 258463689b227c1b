import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type * as z from 'zod';
import { ValidationError } from '#shared/domain/errors.ts';
import { HttpError } from './http-errors.ts';

/** Reads a header case-insensitively (API Gateway v2 lower-cases them, but local callers may not). */
export function header(event: APIGatewayProxyEventV2, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(event.headers ?? {})) {
    if (key.toLowerCase() === wanted) return value;
  }
  return undefined;
}

/** The raw body as a UTF-8 string, with size enforced before any parsing. */
export function rawBody(event: APIGatewayProxyEventV2, maxBytes: number): string {
  if (event.body === undefined || event.body === null) return '';
  const buffer = event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
  if (buffer.byteLength > maxBytes) {
    throw new HttpError(413, 'payload_too_large', `Request body exceeds ${maxBytes} bytes`, {
      limitBytes: maxBytes,
      receivedBytes: buffer.byteLength,
    });
  }
  return buffer.toString('utf8');
}

/**
 * Parses and validates a JSON body against a zod schema. Malformed JSON, a wrong content type and schema
 * violations each produce a distinct 4xx; nothing unvalidated reaches a use case.
 */
export function parseJsonBody<T extends z.ZodType>(
  event: APIGatewayProxyEventV2,
  schema: T,
  maxBytes: number,
): z.infer<T> {
  const text = rawBody(event, maxBytes);
  const contentType = header(event, 'content-type') ?? '';
  if (text.length > 0 && !/^application\/(?:[\w.+-]+\+)?json\b/i.test(contentType)) {
    throw new HttpError(415, 'unsupported_media_type', 'Send the body as application/json');
  }
  let json: unknown;
  try {
    json = text.length === 0 ? {} : JSON.parse(text);
  } catch {
    throw new HttpError(400, 'invalid_json', 'Request body is not valid JSON');
  }
  const result = schema.safeParse(json);
  if (!result.success) {
    throw new ValidationError('Request body is invalid', {
      code: 'invalid_body',
      details: result.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
    });
  }
  return result.data;
}

/** Parses the query string with a zod schema (values arrive as strings; schemas coerce). */
export function parseQuery<T extends z.ZodType>(event: APIGatewayProxyEventV2, schema: T): z.infer<T> {
  const result = schema.safeParse(event.queryStringParameters ?? {});
  if (!result.success) {
    throw new ValidationError('Query parameters are invalid', {
      code: 'invalid_query',
      details: result.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
    });
  }
  return result.data;
}

/** Reads a text body of an expected media type (e.g. `text/csv`). */
export function textBody(event: APIGatewayProxyEventV2, mediaType: RegExp, maxBytes: number): string {
  const text = rawBody(event, maxBytes);
  if (!mediaType.test(header(event, 'content-type') ?? '')) {
    throw new HttpError(415, 'unsupported_media_type', `Send the body as ${mediaType.source.replace(/[\\^$]/g, '')}`);
  }
  return text;
}
