import type { KinesisStreamEvent } from 'aws-lambda';
import { ACTION_SYNC_EVENT_PATTERN } from '#shared/actions/payloads.ts';
import { ActionEventDetailSchema, type ActionEventType } from '#shared/contracts/actions.ts';
import { isTenantId } from '#shared/domain/workspace.ts';
import type { ActionBusEvent } from '#shared/ports/actions.ts';
import { deliverEvent, type IntegrationDeps, type RetryPolicy } from '#shared/use-cases/integrations.ts';
import { type CrmReceiver, startCrmReceiver } from '../crm-receiver/index.ts';
import { localKinesisClient } from '../emulators/kinesis.ts';
import { startKinesisPoller } from '../kinesis-poller.ts';
import { type LocalApiDestinations, patternMatches } from './api-destinations.ts';
import { startLocalEventBridge } from './server.ts';

/** The demo CRM's shared secret (local only; the seeded integration uses it). */
export const LOCAL_CRM_SECRET = 'local-crm-demo-secret-0123456789';

export interface LocalActionHubOptions {
  kinesisEndpoint: string;
  streamName: string;
  region: string;
  checkpointDir: string | null;
  /** The web app's URL (links in CRM tasks). */
  appUrl: string;
  /** How often the daily engine job runs locally. @default 24 h */
  dailyIntervalMs?: number;
  /** Port of the local CRM receiver. @default a free port */
  crmPort?: number;
  log?: (line: string) => void;
}

export interface LocalActionHub {
  /** The EventBridge stand-in's endpoint (`EVENTBRIDGE_ENDPOINT`). */
  busEndpoint: string;
  crm: CrmReceiver;
  /** The emulated connections, API destinations and rules (dead letters included). */
  apiDestinations: LocalApiDestinations;
  /** Resolves when every delivery started so far has finished (delivered or dead-lettered). */
  settled(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The Action Hub's local stand-ins, started by local/stack.ts:
 * - an EventBridge endpoint (./server.ts; the production adapters call it, only the endpoint differs): PutEvents,
 *   and the connections, API destinations, rules and targets the API provisions for HubSpot / Salesforce
 *   integrations, invoked as EventBridge does (./api-destinations.ts); its Lambda-path sync rule — the same
 *   pattern as in CDK — hands each action event to the other integrations of its tenant (signed webhooks): a
 *   signed HTTPS (locally: loopback HTTP, by explicit config) POST per integration, retried with exponential
 *   backoff, every attempt recorded in the integration's delivery log, the last failure dead-lettered with its
 *   reason;
 * - the engine's stream consumer (the production `streamHandler` behind a Kinesis poller, like the aggregator);
 * - the local CRM receiver for the demo.
 * It must start after the environment is set and before the API handler is imported (the API reads
 * `EVENTBRIDGE_ENDPOINT` at its cold start).
 */
export async function startLocalActionHub(options: LocalActionHubOptions): Promise<LocalActionHub> {
  const log = options.log ?? (() => {});
  const crm = await startCrmReceiver({ port: options.crmPort ?? 0, secret: LOCAL_CRM_SECRET, log });
  const inFlight = new Set<Promise<unknown>>();
  let stopping = false;
  let deliver: ((tenantId: string, event: ActionBusEvent) => Promise<unknown>) | null = null;

  const bus = await startLocalEventBridge({
    region: options.region,
    retryBaseDelayMs: Number(process.env.ACTION_DELIVERY_BASE_DELAY_MS ?? 1000),
    log,
    // The Lambda-path sync rule (ActionSync/SyncRule in CDK): the same pattern, handed to the delivery use case.
    onEvent: (_bus, event) => {
      if (!patternMatches(ACTION_SYNC_EVENT_PATTERN as unknown as Record<string, unknown>, event)) return;
      const parsed = ActionEventDetailSchema.safeParse(event.detail);
      if (!parsed.success || !isTenantId(parsed.data.tenantId) || !deliver || stopping) return;
      const job = deliver(parsed.data.tenantId, { type: event['detail-type'] as ActionEventType, detail: parsed.data })
        .catch((error: Error) => log(`event-bus: delivery failed: ${error.message}`))
        .finally(() => inFlight.delete(job));
      inFlight.add(job);
    },
  });
  const busEndpoint = bus.endpoint;
  process.env.EVENTBRIDGE_ENDPOINT = busEndpoint;
  process.env.APP_URL = options.appUrl;
  // HubSpot / Salesforce integrations go through (emulated) API destinations, as in AWS: the API provisions them
  // here and the Lambda path leaves them out. The ARNs only need to look like the deployed ones.
  process.env.ACTION_API_DESTINATION_ROLE_ARN ??= 'arn:aws:iam::000000000000:role/local-api-destinations';
  process.env.ACTION_API_DESTINATION_DLQ_ARN ??= `arn:aws:sqs:${options.region}:000000000000:local-action-sync-dlq`;

  // Production adapters, imported now that the environment names the bus.
  const { createDocumentClient } = await import('../../functions/adapters/aws/clients.ts');
  const { readBaseConfig } = await import('../../functions/config.ts');
  const { createActionHubServices, readActionConfig, retryPolicyFrom } = await import(
    '../../functions/handlers/actions/deps.ts'
  );
  const { systemClock, ulidGenerator } = await import('../../functions/adapters/system.ts');
  const config = readBaseConfig();
  const db = createDocumentClient(config);
  const services = createActionHubServices(db, config.TABLE_NAME);
  const policy: RetryPolicy = retryPolicyFrom(readActionConfig());
  const integrationDeps: IntegrationDeps = {
    ...services,
    clock: systemClock,
    ids: ulidGenerator,
    // Backoff waits end early when the stack stops (the remaining attempts then fail fast and are recorded).
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, stopping ? 0 : ms)),
  };
  deliver = (tenantId, event) => deliverEvent(integrationDeps, tenantId as never, event, policy);

  const { streamHandler, dailyHandler } = await import('../../functions/handlers/actions/index.ts');
  // The daily job (EventBridge rule in AWS): once a day while the stack runs; unref'd so it never holds the process.
  const daily = setInterval(
    () => {
      (dailyHandler as unknown as (e: unknown, c: unknown) => Promise<unknown>)(
        {},
        { functionName: 'promptpulse-actions-daily' },
      )
        .then(() => log('actions: daily refresh done'))
        .catch((error: Error) => log(`actions: daily refresh failed: ${error.message}`));
    },
    options.dailyIntervalMs ?? 24 * 3600 * 1000,
  );
  daily.unref();
  const arn = `arn:aws:kinesis:${options.region}:000000000000:stream/${options.streamName}`;
  let invocation = 0;
  const kinesis = localKinesisClient(options.kinesisEndpoint);
  const poller = await startKinesisPoller({
    client: kinesis,
    streamName: options.streamName,
    name: 'actions',
    batchSize: 100,
    maxRetryAttempts: 3,
    checkpointFile: options.checkpointDir ? `${options.checkpointDir}/actions.json` : null,
    log,
    onDiscard: (shardId, record, reason) =>
      log(`actions: record ${record.SequenceNumber} on ${shardId} given up (${reason})`),
    handle: async (shardId, records) => {
      const event: KinesisStreamEvent = {
        Records: records.map((r) => ({
          eventSource: 'aws:kinesis',
          eventVersion: '1.0',
          eventID: `${shardId}:${r.SequenceNumber}`,
          eventName: 'aws:kinesis:record',
          invokeIdentityArn: 'arn:aws:iam::000000000000:role/local',
          awsRegion: options.region,
          eventSourceARN: arn,
          kinesis: {
            kinesisSchemaVersion: '1.0',
            partitionKey: r.PartitionKey ?? '',
            sequenceNumber: r.SequenceNumber ?? '',
            approximateArrivalTimestamp: (r.ApproximateArrivalTimestamp?.getTime() ?? Date.now()) / 1000,
            data: Buffer.from(r.Data ?? new Uint8Array()).toString('base64'),
          },
        })),
      };
      const context = { functionName: 'promptpulse-actions', awsRequestId: `local-actions-${++invocation}` };
      const response = await (
        streamHandler as unknown as (
          e: KinesisStreamEvent,
          c: unknown,
        ) => Promise<{ batchItemFailures: { itemIdentifier: string }[] }>
      )(event, context);
      return { failedSequenceNumber: response?.batchItemFailures?.[0]?.itemIdentifier };
    },
  });

  const settled = async () => {
    while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    await bus.destinations.settled();
  };
  return {
    busEndpoint,
    crm,
    apiDestinations: bus.destinations,
    settled,
    async stop() {
      stopping = true;
      clearInterval(daily);
      await poller.stop();
      await settled();
      await bus.stop();
      await crm.stop();
      kinesis.destroy();
      db.destroy();
    },
  };
}
