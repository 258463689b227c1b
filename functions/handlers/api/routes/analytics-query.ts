import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type * as z from 'zod';
import { ValidationError } from '#shared/domain/errors.ts';

/**
 * Parses an analytics query string like `parseQuery`, but a refusal names the offending filter(s) in the message
 * itself (`Invalid filter \`topic\`: expected a top_… id`), not only in `details`, so a person reading the 400
 * (or the web app's error line) knows which filter to fix.
 */
export function parseFilterQuery<T extends z.ZodType>(event: APIGatewayProxyEventV2, schema: T): z.infer<T> {
  const result = schema.safeParse(event.queryStringParameters ?? {});
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({
    path: issue.path.join('.') || ('keys' in issue ? (issue.keys as string[]).join(', ') : '(query)'),
    message: issue.message,
  }));
  const names = [...new Set(issues.map((i) => i.path))];
  const first = issues[0];
  throw new ValidationError(
    `Invalid filter${names.length > 1 ? 's' : ''} ${names.map((n) => `\`${n}\``).join(', ')}: ${first?.message ?? 'invalid'}`,
    { code: 'invalid_query', details: issues },
  );
}
