/**
 * What a re-analysis job's function time costs. Jobs record the time their chunks ran (`lambdaMs`); the Admin view
 * shows it with the compute cost it implies at the re-analysis function's memory size and AWS Lambda's list price
 * for Arm (Graviton) functions in us-east-1. Requests (one per chunk call) and the stream's PUT payload units are
 * left out: at a page of 100 answers per call they are a few hundredths of the compute.
 */

/** Memory of the re-analysis function (cdk/constructs/reanalysis.ts deploys it with this). */
export const REANALYSIS_FUNCTION_MEMORY_MB = 1024;

/** AWS Lambda, Arm, us-east-1, first 7.5 billion GB-seconds a month: USD per GB-second. */
export const LAMBDA_ARM_USD_PER_GB_SECOND = 0.0000133334;

/** The compute cost of `lambdaMs` of the re-analysis function, in USD. */
export function reanalysisComputeUsd(lambdaMs: number): number {
  return (Math.max(0, lambdaMs) / 1000) * (REANALYSIS_FUNCTION_MEMORY_MB / 1024) * LAMBDA_ARM_USD_PER_GB_SECOND;
}
