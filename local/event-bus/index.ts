import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { KinesisStreamEvent } from 'aws-lambda';
import { ACTION_SYNC_EVENT_PATTERN } from '#shared/actions/payloads.ts';
import { ActionEventDetailSchema, type ActionEventType } from '#shared/contracts/actions.ts';
import { isTenantId } from '#shared/domain/workspace.ts';
import type { ActionBusEvent } from '#shared/ports/actions.ts';
import { deliverEvent, type IntegrationDeps, type RetryPolicy } from '#shared/use-cases/integrations.ts';
import { type CrmReceiver, startCrmReceiver } from '../crm-receiver/index.ts';
import { localKinesisClient } from '../emulators/kinesis.ts';
import { startKinesisPoller } from '../kinesis-poller.ts';

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
  /** Resolves when every delivery started so far has finished (delivered or dead-lettered). */
  settled(): Promise<void>;
  stop(): Promise<void>;
}

/** Does an event match a rule pattern (the subset EventBridge patterns used here: exact values per field)? */
function matches(pattern: Record<string, readonly string[]>, event: Record<string, unknown>): boolean {
  return Object.entries(pattern).every(([field, values]) => values.includes(String(event[field])));
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/**
 * The Action Hub's local stand-ins, started by local/stack.ts:
 * - an EventBridge `PutEvents` endpoint (the production EventBridge adapter posts to it, only the endpoint differs)
 *   whose sync rule — the same pattern as in CDK — hands each action event to the integrations of its tenant: a
 *   signed HTTPS (locally: loopback HTTP, by explicit config) POST per integration, retried with exponential
 *   backoff, every attempt recorded in the integration's delivery log, the last failure dead-lettered with its
 *   reason (what API destinations with a retry policy and a DLQ do in AWS);
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

  const server = createServer(async (req, res) => {
    const target = String(req.headers['x-amz-target'] ?? '');
    if (req.method !== 'POST' || target !== 'AWSEvents.PutEvents') {
      res.writeHead(400, { 'content-type': 'application/x-amz-json-1.1' });
      return res.end(JSON.stringify({ __type: 'UnknownOperationException', message: `unsupported: ${target}` }));
    }
    let request: { Entries?: { Source?: string; DetailType?: string; Detail?: string }[] };
    try {
      request = JSON.parse(await readBody(req));
    } catch {
      res.writeHead(400, { 'content-type': 'application/x-amz-json-1.1' });
      return res.end(JSON.stringify({ __type: 'ValidationException', message: 'body is not JSON' }));
    }
    const results = (request.Entries ?? []).map((entry) => {
      let detail: unknown;
      try {
        detail = JSON.parse(entry.Detail ?? '');
      } catch {
        return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is not valid JSON' };
      }
      const eventId = randomUUID();
      const event = { source: entry.Source, 'detail-type': entry.DetailType };
      if (matches(ACTION_SYNC_EVENT_PATTERN as unknown as Record<string, readonly string[]>, event)) {
        const parsed = ActionEventDetailSchema.safeParse(detail);
        if (parsed.success && isTenantId(parsed.data.tenantId) && deliver && !stopping) {
          const job = deliver(parsed.data.tenantId, { type: entry.DetailType as ActionEventType, detail: parsed.data })
            .catch((error: Error) => log(`event-bus: delivery failed: ${error.message}`))
            .finally(() => inFlight.delete(job));
          inFlight.add(job);
        }
      }
      return { EventId: eventId };
    });
    res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
    res.end(JSON.stringify({ FailedEntryCount: results.filter((r) => 'ErrorCode' in r).length, Entries: results }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const busEndpoint = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  process.env.EVENTBRIDGE_ENDPOINT = busEndpoint;
  process.env.APP_URL = options.appUrl;

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
  };
  return {
    busEndpoint,
    crm,
    settled,
    async stop() {
      stopping = true;
      clearInterval(daily);
      await poller.stop();
      await settled();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await crm.stop();
      kinesis.destroy();
      db.destroy();
    },
  };
}
