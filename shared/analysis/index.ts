/**
 * PromptPulse analysis engine: mentions, positions, target sentiment, citations and metrics. Pure TypeScript.
 * See docs/analysis.md.
 */

import type { TextAnalyzer } from '../ports/analysis.ts';
import { type AnalyzerOptions, analyzeText, compileEntities } from './analyze.ts';
import type { TrackedEntity } from './types.ts';

export {
  ANALYZER_VERSION,
  type AnalyzerOptions,
  analyzeText,
  type CompiledEntities,
  compileEntities,
  DEFAULT_CONTEXT_TERMS,
  DEFAULT_MAX_CHARS,
  findAliasMatches,
} from './analyze.ts';
export { categorize, MAX_CITATIONS, normalizeUrl } from './citations.ts';
export {
  type EntityConfigIssue,
  type EntityValidationResult,
  entitiesFingerprint,
  trackedEntitySchema,
  validateTrackedEntities,
} from './entities.ts';
export { foldText } from './fold.ts';
export {
  buildJudgeRequest,
  type JudgeOutcome,
  judgeOutputSchema,
  parseJudgeOutput,
  refineSentimentWithJudge,
} from './judge.ts';
export { compileMatcher, MAX_ALIAS_LENGTH, matcherSizeBytes } from './matcher.ts';
export {
  type AnalyzedAnswer,
  compareEntityMetrics,
  compareReports,
  computeMetrics,
  DAMPING_M,
  type EntityMetrics,
  METRIC_DEFINITIONS,
  type MetricChanges,
  type MetricOptions,
  type MetricsReport,
  positionAdjustedWords,
  VISIBILITY_WEIGHTS,
  type VisibilityScore,
} from './metrics.ts';
export { isStale, type ReanalysisItem, type ReanalysisSummary, reanalyze, type StoredText } from './reanalyze.ts';
export {
  type Change,
  compareMeans,
  compareProportions,
  type MeanEstimate,
  meanEstimate,
  type Proportion,
  proportion,
  wilson,
} from './stats.ts';
export type * from './types.ts';

/** The default {@link TextAnalyzer}: compiles the configuration once, then analyses synchronously. */
export function createAnalyzer(entities: readonly TrackedEntity[], options: AnalyzerOptions = {}): TextAnalyzer {
  const compiled = compileEntities(entities, options);
  return {
    configFingerprint: compiled.fingerprint,
    analyze: (input) => analyzeText(input, compiled),
  };
}
