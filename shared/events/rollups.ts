/**
 * Daily rollups of canonical events: the additive counters the aggregation consumer keeps per
 * (tenant, brand, day, prompt-set version, provider, surface, topic, branded) cell, with per-entity and per-prompt
 * counters inside each cell, and the pure reader that turns summed counters into the metrics of docs/analysis.md (with n and
 * cluster-aware 95% intervals) without touching answers. Every counter is a sum, so cells of any scope/period just
 * add up. Split along its seams: the cell model and counter arithmetic (rollup-counters.ts), periods
 * (rollup-periods.ts), batch accumulation (rollup-sums.ts), batch merge and transactions (rollup-merge.ts) and the
 * metrics reader (rollup-metrics.ts); this module is the one import for all of it.
 */

import type { RollupCounters } from './rollup-counters.ts';
import { type RollupDelta, rollupEntry, sumsOf } from './rollup-merge.ts';
import { CounterSums } from './rollup-sums.ts';
import type { AnswerAnalyzedEvent, RunCompletedEvent } from './schemas.ts';

export * from './rollup-counters.ts';
export * from './rollup-merge.ts';
export * from './rollup-metrics.ts';
export * from './rollup-periods.ts';
export * from './rollup-sums.ts';

/** The counters one `answer.analyzed` event contributes. Zero counters are omitted (absent = 0). */
export function answerCounters(data: AnswerAnalyzedEvent['data']): RollupCounters {
  return new CounterSums().addAnswer(data).toCounters();
}

/** What an event adds to the rollups (counters by name); null for events the rollups do not count. */
export function rollupDelta(
  event: AnswerAnalyzedEvent | RunCompletedEvent | { type: string; id?: string },
): RollupDelta | null {
  const entry = rollupEntry({ id: '', ...event } as AnswerAnalyzedEvent);
  if (!entry) return null;
  const { tenantId, brandId, day, cell } = entry;
  return { tenantId, brandId, day, cell, counters: sumsOf(entry).toCounters() };
}
