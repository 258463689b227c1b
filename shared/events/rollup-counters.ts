/**
 * The rollup cell model: counter names and their arithmetic, the dimensions of a fine cell and the cell filter. Every
 * counter is a sum, so cells of any scope and period just add up (shared/events/rollups.ts for the whole picture).
 */

/** Counter name → value. Names: answer-level (`n`, `nNB`, `cit`, ...) and per entity `e#<entityId>#<counter>`. */
export type RollupCounters = Record<string, number>;

/** The dimensions of one fine rollup cell (all of them are filters of the Analytics API). */
export interface RollupDims {
  /** UTC date `YYYY-MM-DD` the answer was given. */
  day: string;
  promptSetVersion: number;
  provider: string;
  surface: string;
  /** Topic id, or `none`. */
  topic: string;
  branded: boolean;
}

export const entityCounter = (entityId: string, name: EntityCounterName) => `e#${entityId}#${name}`;
export type EntityCounterName =
  | 'm' // answers mentioning the entity
  | 'mv' // all mentions (share-of-voice numerator, all prompts)
  | 'mvNB' // mentions in answers to non-branded prompts
  | 'rk' // sum of first-mention ranks
  | 'rk2' // sum of squared ranks
  | 'rkN' // answers with a rank
  | 's' // sum of per-mention sentiments
  | 's2'
  | 'sN'
  | 'as' // sum of entity-level (answer) sentiment
  | 'as2'
  | 'asN'
  | 'oc' // citations to owned domains
  | 'ca' // answers citing an owned domain
  | 'pw' // position-adjusted words
  | 'pr'; // primary recommendation

/**
 * Per-prompt counters, kept in fine cells only (a brand total would hold every prompt's): the clusters of the
 * interval estimators. Answers to one prompt are not independent (its samples share the prompt and the run), so an
 * interval needs each prompt's totals, not only their sum (shared/statistics/clustered.ts). Names:
 * `p#<promptId>#<name>` and `p#<promptId>#<entityId>#<name>`; like every counter they are sums, so they add up
 * over cells and periods, and they are applied and deduplicated with the event that carries them.
 */
export const PROMPT_COUNTER_PREFIX = 'p#';
export type PromptCounterName =
  | 'n' // answers to the prompt
  | 'b' // of them, answers to a branded prompt (a prompt is branded or not: b is 0 or n)
  | 'cit'; // citations
export type PromptEntityCounterName = 'm' | 'mv' | 'rk' | 'rkN' | 's' | 'sN' | 'as' | 'asN' | 'oc' | 'ca';
export const promptCounter = (promptId: string, name: PromptCounterName) => `p#${promptId}#${name}`;
export const promptEntityCounter = (promptId: string, entityId: string, name: PromptEntityCounterName) =>
  `p#${promptId}#${entityId}#${name}`;
export const isPromptCounter = (name: string) => name.startsWith(PROMPT_COUNTER_PREFIX);

/**
 * Non-integer increments are rounded to 1e-9: DynamoDB keeps numbers as exact decimals of at most 38 digits, and
 * sums of full binary doubles would run out of digits; 1e-9 is far below anything a metric shows.
 */
export const round9 = (x: number) => (Number.isInteger(x) ? x : Math.round(x * 1e9) / 1e9);

export function add(counters: RollupCounters, name: string, value: number) {
  const v = round9(value);
  if (v !== 0) counters[name] = round9((counters[name] ?? 0) + v);
}

/** Sums counters (cells of a period and filter, or deltas of events). */
export function sumCounters(all: Iterable<RollupCounters>): RollupCounters {
  const out: RollupCounters = {};
  // Rounded like the stored sums, so any order of additions gives the same numbers (DynamoDB adds exact decimals).
  for (const counters of all) for (const [k, v] of Object.entries(counters)) out[k] = round9((out[k] ?? 0) + v);
  return out;
}

/** Entity ids present in summed counters. */
export function entityIdsOf(counters: RollupCounters): string[] {
  const ids = new Set<string>();
  for (const k of Object.keys(counters)) {
    if (!k.startsWith('e#')) continue;
    const end = k.lastIndexOf('#');
    if (end > 2) ids.add(k.slice(2, end));
  }
  return [...ids];
}

/** Cell filter of the metrics reader (every field optional = all). */
export interface RollupFilter {
  promptSetVersion?: number;
  provider?: string;
  surface?: string;
  topic?: string;
  branded?: boolean;
}

export function matchesFilter(dims: RollupDims, filter: RollupFilter): boolean {
  return (
    (filter.promptSetVersion === undefined || dims.promptSetVersion === filter.promptSetVersion) &&
    (filter.provider === undefined || dims.provider === filter.provider) &&
    (filter.surface === undefined || dims.surface === filter.surface) &&
    (filter.topic === undefined || dims.topic === filter.topic) &&
    (filter.branded === undefined || dims.branded === filter.branded)
  );
}
