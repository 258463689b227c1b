import {
  checkpointConnector,
  findDueConnectors,
  type IngestDeps,
  type IngestPageResult,
  ingestPage,
  recordIngestFailure,
} from '#shared/use-cases/connectors.ts';

/**
 * The connector-ingest workflow's task steps, keyed by the state names of `state-machines/connector-ingest.asl.json`.
 * The Lambda entry point dispatches on `step`; the local Step Functions runner calls them by state name.
 */
export function connectorIngestSteps(deps: IngestDeps) {
  return {
    FindDue: (_input: unknown) => findDueConnectors(deps),
    IngestPage: (input: { tenantId: string; connectorId: string }) => ingestPage(deps, input),
    Checkpoint: (input: {
      tenantId: string;
      connectorId: string;
      page: number;
      maxPages: number;
      result: Extract<IngestPageResult, { outcome: 'published' }>;
    }) => checkpointConnector(deps, input),
    RecordFailure: (input: Parameters<typeof recordIngestFailure>[1]) => recordIngestFailure(deps, input),
  };
}

export type ConnectorIngestSteps = ReturnType<typeof connectorIngestSteps>;
export type ConnectorStepName = keyof ConnectorIngestSteps;
