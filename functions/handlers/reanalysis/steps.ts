import {
  finishReanalysis,
  planReanalysis,
  type ReanalysisDeps,
  runReanalysisChunk,
  sweepStaleBrands,
} from '#shared/use-cases/reanalysis.ts';

/**
 * The re-analysis workflow's task steps, keyed by the state names of `state-machines/reanalysis.asl.json`. The
 * Lambda entry point dispatches on `step`; the local Step Functions runner calls them by state name.
 */
export function reanalysisSteps(deps: ReanalysisDeps) {
  return {
    Sweep: (_input: unknown) => sweepStaleBrands(deps),
    Plan: (input: { tenantId: string; jobId: string }) => planReanalysis(deps, input),
    Chunk: (input: { tenantId: string; jobId: string; from: string; to: string; cursor: string | null }) =>
      runReanalysisChunk(deps, input),
    Finish: (input: { tenantId: string; jobId: string }) => finishReanalysis(deps, input),
    RecordFailure: (input: { tenantId: string; jobId: string }) => finishReanalysis(deps, { ...input, failed: true }),
  };
}

export type ReanalysisStepName = keyof ReturnType<typeof reanalysisSteps>;
