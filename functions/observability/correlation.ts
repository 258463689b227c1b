import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

/**
 * The correlation id of the work in progress, carried API -> workflow -> stream:
 * - the API takes it from a well-formed `x-correlation-id` request header, else API Gateway's request id;
 * - `SfnWorkflowStarter` puts it into the execution input (`correlationId`), the ASL passes it to every step;
 * - `KinesisEventPublisher` stamps it on each CloudEvent as the `correlationid` extension attribute.
 *
 * AsyncLocalStorage rather than a module variable: the local stack runs every handler in one process, so
 * concurrent requests must not see each other's id (in Lambda one invocation runs at a time either way).
 */
const storage = new AsyncLocalStorage<string>();

/** What a caller-supplied id may look like: short, no spaces or control characters (it ends up in every log line). */
const CORRELATION_ID_PATTERN = /^[A-Za-z0-9._:-]{8,128}$/;

export function isCorrelationId(value: unknown): value is string {
  return typeof value === 'string' && CORRELATION_ID_PATTERN.test(value);
}

/** Runs `fn` with `correlationId` as the current id (for its whole async call tree). */
export function withCorrelationId<T>(correlationId: string, fn: () => T): T {
  return storage.run(correlationId, fn);
}

/** The id of the work in progress, if any. */
export function currentCorrelationId(): string | undefined {
  return storage.getStore();
}

export function newCorrelationId(): string {
  return randomUUID();
}

/** The first well-formed candidate, else a fresh id. */
export function pickCorrelationId(...candidates: unknown[]): string {
  return candidates.find(isCorrelationId) ?? newCorrelationId();
}

/** `x-correlation-id` of an API Gateway (v2) request if well-formed, else its request id. */
export function correlationIdOfHttpEvent(event: {
  headers?: Record<string, string | undefined> | null;
  requestContext?: { requestId?: string };
}): string {
  const headers = event.headers ?? {};
  const supplied = Object.entries(headers).find(([name]) => name.toLowerCase() === 'x-correlation-id')?.[1];
  return pickCorrelationId(supplied, event.requestContext?.requestId);
}
