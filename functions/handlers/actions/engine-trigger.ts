import type { KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import type { SignalAlert } from '#shared/actions/snapshot.ts';
import { isTenantId } from '#shared/domain/workspace.ts';
import type { MetricAlertData } from '#shared/events/metric-alert.ts';
import { parseCanonicalEvent } from '#shared/events/schemas.ts';
import { type EngineRunDeps, runActionEngine } from '#shared/use-cases/actions.ts';

export interface EngineTriggerDeps extends EngineRunDeps {
  /** Whether the aggregation consumer has counted an event (so the rollups include the whole run). */
  isCounted(tenantId: string, eventId: string): Promise<boolean>;
  sleep?: (ms: number) => Promise<void>;
  /** How long to wait for the rollups to catch up before running on what is there. @default 30000 */
  rollupWaitMs?: number;
  log?: {
    info(message: string, details: Record<string, unknown>): void;
    error(message: string, details: Record<string, unknown>): void;
  };
}

/** A social swing as the engine's input: the alert was raised outside the normal range, so it is significant. */
export function signalAlertOf(data: MetricAlertData): SignalAlert {
  return {
    alertId: data.alertId,
    metric: data.source === 'all' ? data.metric : `${data.metric} on ${data.source}`,
    value: data.observed.value,
    baseline: data.baseline.value,
    n: data.observed.n,
    baselineN: data.baseline.n,
    spread: data.baseline.spread,
    significant: true,
    direction: data.direction,
    observedAt: data.detectedAt,
    posts: distinctPosts(data.topNegativePosts).map((p) => ({
      url: p.url ?? '',
      title: p.excerpt.slice(0, 200),
      sentiment: p.sentiment,
    })),
  };
}

/**
 * Evidence posts, one per distinct text and URL: cross-posts, reposts and quoted copies of the same post would
 * otherwise fill the evidence with the same sentence several times.
 */
export function distinctPosts<P extends { url: string | null; excerpt: string }>(posts: readonly P[]): P[] {
  const texts = new Set<string>();
  const urls = new Set<string>();
  const out: P[] = [];
  for (const post of posts) {
    const text = post.excerpt
      .toLowerCase()
      .replace(/https?:\/\/\S+/g, '')
      .replace(/[^\p{L}\p{N}]+/gu, ' ')
      .trim();
    if (texts.has(text) || (post.url && urls.has(post.url))) continue;
    texts.add(text);
    if (post.url) urls.add(post.url);
    out.push(post);
  }
  return out;
}

/**
 * The engine's stream consumer: on every `promptpulse.run.completed` that produced answers, it waits until the
 * aggregation consumer has counted that event (same shard, in order: the run's answers are counted too), then runs
 * the engine for the run's brand. Other events are ignored. An engine failure reports the record so the stream
 * retries from it; reconciliation makes a re-run harmless (it updates, never duplicates).
 */
export function createEngineTrigger(deps: EngineTriggerDeps) {
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const waitMs = deps.rollupWaitMs ?? 30_000;
  return async (event: KinesisStreamEvent): Promise<KinesisStreamBatchResponse> => {
    for (const record of event.Records ?? []) {
      const parsed = parseCanonicalEvent(Buffer.from(record.kinesis.data ?? '', 'base64').toString('utf8'));
      if (!parsed.ok) continue;
      if (parsed.event.type === 'promptpulse.metric.alert') {
        // Social swings: a drop in sentiment toward the brand becomes (or refreshes) a negative-sentiment action.
        const alert = parsed.event.data as MetricAlertData;
        if (alert.metric !== 'sentiment' || alert.direction !== 'down' || !isTenantId(alert.tenantId)) continue;
        try {
          await runActionEngine(deps, alert.tenantId, alert.brandId, { alerts: [signalAlertOf(alert)] });
        } catch (error) {
          if ((error as Error).name === 'NotFoundError') continue;
          deps.log?.error('Action engine failed on a metric alert', {
            alertId: alert.alertId,
            error: (error as Error).message,
          });
          return { batchItemFailures: [{ itemIdentifier: record.kinesis.sequenceNumber }] };
        }
        continue;
      }
      if (parsed.event.type !== 'promptpulse.run.completed') continue;
      const { data, id } = parsed.event;
      if (data.counts.succeeded === 0 || !isTenantId(data.tenantId)) continue;
      try {
        for (let waited = 0; waited < waitMs && !(await deps.isCounted(data.tenantId, id)); waited += 500)
          await sleep(500);
        const result = await runActionEngine(deps, data.tenantId, data.brandId);
        deps.log?.info('Action engine ran after a run', {
          runId: data.runId,
          brandId: data.brandId,
          ...result,
          suppressed: result.suppressed.length,
        });
      } catch (error) {
        if ((error as Error).name === 'NotFoundError') continue; // brand deleted since: nothing to do
        deps.log?.error('Action engine failed after a run', { runId: data.runId, error: (error as Error).message });
        return { batchItemFailures: [{ itemIdentifier: record.kinesis.sequenceNumber }] };
      }
    }
    return { batchItemFailures: [] };
  };
}
