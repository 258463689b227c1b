import type { PromptSetVersion } from '../contracts/prompt-sets.ts';
import type { RunSettings } from '../contracts/run-settings.ts';
import type { RunCounts, RunStatus } from '../contracts/runs.ts';
import type { SpendCaps } from '../contracts/workspace-settings.ts';
import { ConflictError } from './errors.ts';
import { estimateCost } from './pricing.ts';

/** One unit of fan-out work: a prompt asked of one provider/model/surface, once (one sample). */
export interface PlannedItem {
  itemId: string;
  promptId: string;
  promptText: string;
  provider: RunSettings['providers'][number]['provider'];
  model: string;
  surface: RunSettings['providers'][number]['surface'];
  locale: string;
  sampleIndex: number;
}

/**
 * A work item's id is a pure function of what it asks, so a retried Lambda, a redelivered Map iteration or a
 * restarted execution addresses the same item (and finds its answer already stored) instead of asking twice.
 */
export function workItemId(
  runId: string,
  item: Pick<PlannedItem, 'promptId' | 'provider' | 'model' | 'surface' | 'sampleIndex'>,
): string {
  return [runId, item.promptId, item.provider, item.model, item.surface, item.sampleIndex].join('.');
}

/** Expands a prompt-set version × enabled providers × samples into work items. */
export function planWorkItems(runId: string, promptSet: PromptSetVersion, settings: RunSettings): PlannedItem[] {
  const items: PlannedItem[] = [];
  for (const target of settings.providers.filter((p) => p.enabled)) {
    for (const prompt of promptSet.prompts) {
      for (let sampleIndex = 0; sampleIndex < settings.samplesPerPrompt; sampleIndex++) {
        const base = {
          promptId: prompt.id,
          promptText: prompt.text,
          provider: target.provider,
          model: target.model,
          surface: target.surface,
          locale: prompt.locale,
          sampleIndex,
        };
        items.push({ ...base, itemId: workItemId(runId, base) });
      }
    }
  }
  return items;
}

/** Planning assumptions for the spend check: typical answer sizes, deliberately on the high side. */
const ESTIMATE = { promptOverheadTokens: 60, outputTokens: 900 };

export interface UsageEstimate {
  calls: number;
  tokens: number;
  usd: number;
}

/** Upper-bound estimate of what a plan will consume (unpriced models count tokens and calls only). */
export function estimatePlanUsage(items: readonly PlannedItem[]): UsageEstimate {
  let tokens = 0;
  let usd = 0;
  for (const item of items) {
    const inputTokens = Math.ceil(item.promptText.length / 4) + ESTIMATE.promptOverheadTokens;
    tokens += inputTokens + ESTIMATE.outputTokens;
    usd +=
      estimateCost({
        provider: item.provider,
        model: item.model,
        inputTokens,
        outputTokens: ESTIMATE.outputTokens,
        webSearchRequests: item.surface === 'api_web_search' ? 1 : 0,
      }).usd ?? 0;
  }
  return { calls: items.length, tokens, usd: Math.round(usd * 1e6) / 1e6 };
}

export interface UsageToDate {
  day: UsageEstimate;
  month: UsageEstimate;
}

/**
 * Refuses a plan that would take the workspace over any spend cap, before anything is enqueued.
 * @throws ConflictError `spend_cap_exceeded` naming the cap, its limit, what is used and what the run needs.
 */
export function assertWithinSpendCaps(caps: SpendCaps, used: UsageToDate, needed: UsageEstimate): void {
  const checks: [keyof SpendCaps, number, number][] = [
    ['callsPerDay', used.day.calls, needed.calls],
    ['callsPerMonth', used.month.calls, needed.calls],
    ['tokensPerDay', used.day.tokens, needed.tokens],
    ['tokensPerMonth', used.month.tokens, needed.tokens],
    ['usdPerDay', used.day.usd, needed.usd],
    ['usdPerMonth', used.month.usd, needed.usd],
  ];
  for (const [cap, usedSoFar, need] of checks) {
    if (usedSoFar + need > caps[cap]) {
      throw new ConflictError(
        `This run needs about ${formatAmount(cap, need)} but only ${formatAmount(cap, Math.max(0, caps[cap] - usedSoFar))} of the ${describeCap(cap)} is left`,
        { code: 'spend_cap_exceeded', details: { cap, limit: caps[cap], used: usedSoFar, needed: need } },
      );
    }
  }
}

function describeCap(cap: keyof SpendCaps): string {
  const [what, period] = cap
    .replace(/([A-Z])/g, ' $1')
    .toLowerCase()
    .split(' per ');
  return `${what === 'usd' ? 'USD' : what} cap per ${period}`;
}

function formatAmount(cap: keyof SpendCaps, amount: number): string {
  if (cap.startsWith('usd')) return `$${amount.toFixed(2)}`;
  return `${Math.ceil(amount).toLocaleString('en-US')} ${cap.startsWith('calls') ? 'calls' : 'tokens'}`;
}

/** Groups item ids per provider so each provider gets its own bounded concurrency in the workflow. */
export function groupByProvider(items: readonly PlannedItem[], concurrency: Partial<Record<string, number>> = {}) {
  const groups = new Map<string, string[]>();
  for (const item of items) {
    const list = groups.get(item.provider) ?? [];
    list.push(item.itemId);
    groups.set(item.provider, list);
  }
  return [...groups].map(([provider, itemIds]) => ({
    provider,
    concurrency: concurrency[provider] ?? 8,
    items: itemIds,
  }));
}

/** A finished run's status from its counts: nothing lost silently, partial when some failed. */
export function finalRunStatus(counts: RunCounts, cancelRequested: boolean): RunStatus {
  if (cancelRequested) return 'cancelled';
  if (counts.planned === 0) return 'failed';
  if (counts.succeeded === counts.planned) return 'succeeded';
  if (counts.succeeded === 0) return 'failed';
  return 'partial';
}

export const emptyCounts = (planned = 0): RunCounts => ({ planned, succeeded: 0, failed: 0, skipped: 0 });
