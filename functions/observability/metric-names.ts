/**
 * PromptPulse's business metrics (CloudWatch EMF via Powertools Metrics). Pure constants: the functions emit
 * them and the CDK dashboard and alarms read them, so a rename breaks the build instead of a graph.
 */
export const METRICS_NAMESPACE = 'PromptPulse';

export const BUSINESS_METRICS = {
  /** A run's workflow started planning (API "Run now" and schedules alike). Count. */
  runsStarted: 'RunsStarted',
  /** A run finished as `succeeded` / `partial`. Count. */
  runsCompleted: 'RunsCompleted',
  /** A run finished as `failed` or `cancelled`. Count. */
  runsFailed: 'RunsFailed',
  /** An AI answer was stored (Ask succeeded). Count. */
  answersCollected: 'AnswersCollected',
  /** A stored answer was analysed. Count. */
  answersAnalyzed: 'AnswersAnalyzed',
  /** A provider call failed for any reason other than throttling. Count, dimension Provider. */
  providerErrors: 'ProviderErrors',
  /** A provider call was throttled (429 / quota). Count, dimension Provider. */
  providerThrottles: 'ProviderThrottles',
  /** Provider spend of finished runs. USD (unit None: CloudWatch has no currency unit). */
  costUsd: 'CostUsd',
  /** A run (API or schedule) was refused because it would exceed a spend cap. Count. */
  spendCapBreaches: 'SpendCapBreaches',
  /** Canonical events applied to the rollups. Count. */
  eventsProcessed: 'EventsProcessed',
  /** Stream records that were not valid events (skipped, never retried). Count. */
  eventsRejected: 'EventsRejected',
  /** Batches handed back to the event source for retry (ReportBatchItemFailures). Count. */
  eventBatchFailures: 'EventBatchFailures',
  /** Work items given up on by the workflow (RecordFailure). Count. */
  workItemsFailed: 'WorkItemsFailed',
} as const;

export type BusinessMetricName = (typeof BUSINESS_METRICS)[keyof typeof BUSINESS_METRICS];

/** The dimension provider metrics carry (low cardinality: one value per AI provider). */
export const PROVIDER_DIMENSION = 'Provider';
