import type { PutRecordsCommand, PutRecordsRequestEntry } from '@aws-sdk/client-kinesis';
import type { StartExecutionCommand } from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { KinesisEventPublisher } from '../../../functions/adapters/aws/kinesis-event-publisher.ts';
import { SfnWorkflowStarter } from '../../../functions/adapters/aws/sfn-workflow-starter.ts';
import { observeHttpResult } from '../../../functions/middleware/observability.ts';
import {
  correlationIdOfHttpEvent,
  currentCorrelationId,
  withCorrelationId,
} from '../../../functions/observability/correlation.ts';
import { observeStep } from '../../../functions/observability/fanout-metrics.ts';
import { CorrelatedLogFormatter } from '../../../functions/observability/log-formatter.ts';
import { BUSINESS_METRICS } from '../../../functions/observability/metric-names.ts';
import { metricTotals } from '../../../functions/observability/metrics.ts';
import { recentErrors } from '../../../functions/observability/recent-errors.ts';
import { ProviderThrottledError, ProviderUnavailableError } from '../../../shared/domain/provider-errors.ts';
import { corpusEvents } from '../events/fixtures.ts';

const total = (name: string) => metricTotals()[name] ?? 0;

describe('correlation id', () => {
  it('takes a well-formed x-correlation-id header, else the API Gateway request id', () => {
    const requestContext = { requestId: 'req-1234567890' };
    expect(correlationIdOfHttpEvent({ headers: { 'X-Correlation-Id': 'client-abc-123' }, requestContext })).toBe(
      'client-abc-123',
    );
    // Spaces, newlines or absurd lengths never reach the logs: the request id is used instead.
    expect(correlationIdOfHttpEvent({ headers: { 'x-correlation-id': 'bad id\n' }, requestContext })).toBe(
      'req-1234567890',
    );
    expect(correlationIdOfHttpEvent({ headers: { 'x-correlation-id': 'x'.repeat(300) }, requestContext })).toBe(
      'req-1234567890',
    );
    expect(correlationIdOfHttpEvent({ headers: {} })).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('is isolated between concurrent async work (the local stack runs every handler in one process)', async () => {
    const seen = await Promise.all(
      ['first-request-1', 'second-request-2'].map((id) =>
        withCorrelationId(id, async () => {
          await new Promise((resolve) => setTimeout(resolve, 5));
          return currentCorrelationId();
        }),
      ),
    );
    expect(seen).toEqual(['first-request-1', 'second-request-2']);
    expect(currentCorrelationId()).toBeUndefined();
  });

  it('goes into the Step Functions execution input', async () => {
    const sent: StartExecutionCommand[] = [];
    const starter = new SfnWorkflowStarter(
      { send: async (command: StartExecutionCommand) => void sent.push(command) } as never,
      'arn:aws:states:us-east-1:000000000000:stateMachine:x',
    );
    await withCorrelationId('api-request-42', () => starter.startRun({ tenantId: 'ws_t', runId: 'run_r' }));
    await starter.startRun({ tenantId: 'ws_t', runId: 'run_s' });
    const inputs = sent.map((command) => JSON.parse(command.input.input ?? '{}'));
    expect(inputs[0]).toEqual({ tenantId: 'ws_t', runId: 'run_r', correlationId: 'api-request-42' });
    // Outside a request (e.g. a resume) a fresh id: the ASL requires the field.
    expect(inputs[1].correlationId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('is stamped on published events as the correlationid extension, without changing the event', async () => {
    const { events } = corpusEvents();
    const records: PutRecordsRequestEntry[] = [];
    const publisher = new KinesisEventPublisher(
      {
        send: async (command: PutRecordsCommand) => {
          records.push(...(command.input.Records ?? []));
          return { FailedRecordCount: 0, Records: command.input.Records?.map(() => ({ SequenceNumber: '1' })) };
        },
      } as never,
      'stream',
    );
    const event = events[0] as never;
    await withCorrelationId('run-correlation-7', () => publisher.publish([event]));
    await publisher.publish([event]);
    const decoded = records.map((r) => JSON.parse(new TextDecoder().decode(r.Data)));
    expect(decoded[0]).toEqual({ ...(event as object), correlationid: 'run-correlation-7' });
    expect(decoded[1]).toEqual(event);
  });
});

describe('structured logs', () => {
  it('carry correlation_id from the async context and remember errors for the operations view', () => {
    const formatter = new CorrelatedLogFormatter();
    const attributes = {
      logLevel: 'ERROR',
      message: 'Unhandled error in route',
      timestamp: new Date('2026-01-02T03:04:05.000Z'),
      serviceName: 'promptpulse-api',
      sampleRateValue: 0,
    } as never;
    const item = withCorrelationId('corr-for-log-1', () =>
      formatter.formatAttributes(attributes, { error: { name: 'TypeError', message: 'boom' } }),
    );
    expect(item.getAttributes()).toMatchObject({
      level: 'ERROR',
      service: 'promptpulse-api',
      correlation_id: 'corr-for-log-1',
      error: { name: 'TypeError' },
    });
    expect(recentErrors()[0]).toMatchObject({
      service: 'promptpulse-api',
      message: 'Unhandled error in route',
      correlationId: 'corr-for-log-1',
      errorName: 'TypeError',
      errorMessage: 'boom',
    });
  });
});

describe('business metrics', () => {
  it('counts runs, answers, cost and provider errors/throttles from the fan-out steps', async () => {
    const before = metricTotals();
    const at = (name: string) => total(name) - (before[name] ?? 0);
    await observeStep('Plan', async () => ({ groups: [], itemCount: 3 }), {});
    await observeStep('Plan', async () => ({ groups: [], itemCount: 0 }), {});
    await observeStep('Ask', async () => ({ status: 'succeeded', answerId: 'a' }), {});
    await observeStep('Analyze', async () => ({ analyzed: true }), {});
    await observeStep('Finalize', async () => ({ status: 'partial', usage: { costUsd: 0.25 } }), {});
    await observeStep('Finalize', async () => ({ status: 'failed', usage: { costUsd: 0 } }), {});
    const throttled = new ProviderThrottledError('slow down', { provider: 'openai', status: 429, retryAfterMs: 1000 });
    await expect(observeStep('Ask', () => Promise.reject(throttled), {})).rejects.toBe(throttled);
    const unavailable = new ProviderUnavailableError('down', { provider: 'gemini', status: 503 });
    await expect(observeStep('Ask', () => Promise.reject(unavailable), {})).rejects.toBe(unavailable);

    expect(at(BUSINESS_METRICS.runsStarted)).toBe(1);
    expect(at(BUSINESS_METRICS.answersCollected)).toBe(1);
    expect(at(BUSINESS_METRICS.answersAnalyzed)).toBe(1);
    expect(at(BUSINESS_METRICS.runsCompleted)).toBe(1);
    expect(at(BUSINESS_METRICS.runsFailed)).toBe(1);
    expect(at(BUSINESS_METRICS.costUsd)).toBeCloseTo(0.25);
    expect(at(`${BUSINESS_METRICS.providerThrottles}{Provider=openai}`)).toBe(1);
    expect(at(`${BUSINESS_METRICS.providerErrors}{Provider=gemini}`)).toBe(1);
  });

  it('counts a spend-cap refusal of the API and returns the correlation id header', () => {
    const before = total(BUSINESS_METRICS.spendCapBreaches);
    const refused = {
      statusCode: 409,
      body: JSON.stringify({ error: { code: 'spend_cap_exceeded', message: 'cap' } }),
      headers: {},
    };
    const out = withCorrelationId('corr-http-9', () => observeHttpResult(refused));
    observeHttpResult({ statusCode: 409, body: JSON.stringify({ error: { code: 'run_in_progress' } }) });
    observeHttpResult({ statusCode: 200, body: '{"note":"spend_cap_exceeded"}' });
    expect(total(BUSINESS_METRICS.spendCapBreaches) - before).toBe(1);
    expect(out.headers).toEqual({ 'x-correlation-id': 'corr-http-9' });
  });
});
