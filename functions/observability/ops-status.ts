import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeStreamSummaryCommand, KinesisClient } from '@aws-sdk/client-kinesis';
import { HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { ComponentHealth, DeadLetter } from '#shared/contracts/ops.ts';
import { deadLetters } from './dead-letters.ts';

/** What GET /ops/status reads besides the workspace's own runs: component health and dead letters. */
export interface OpsStatusSource {
  components(): Promise<ComponentHealth[]>;
  deadLetters(): Promise<DeadLetter[]>;
}

/** A probe answers within this or counts as down: the page must stay fast when something hangs. */
const PROBE_TIMEOUT_MS = 2000;

type Probe = {
  name: string;
  role: string;
  endpoint: string | undefined;
  check: (signal: AbortSignal) => Promise<string | null>;
};

async function run(probe: Probe): Promise<ComponentHealth> {
  if (!probe.endpoint) {
    return {
      name: probe.name,
      role: probe.role,
      endpoint: null,
      status: 'not_configured',
      latencyMs: null,
      detail: null,
    };
  }
  const started = performance.now();
  const signal = AbortSignal.timeout(PROBE_TIMEOUT_MS);
  try {
    const detail = await probe.check(signal);
    return {
      name: probe.name,
      role: probe.role,
      endpoint: probe.endpoint,
      status: 'up',
      latencyMs: Math.round(performance.now() - started),
      detail,
    };
  } catch (error) {
    const reason = signal.aborted ? `no answer within ${PROBE_TIMEOUT_MS} ms` : (error as Error).name || 'Error';
    return {
      name: probe.name,
      role: probe.role,
      endpoint: probe.endpoint,
      status: 'down',
      latencyMs: Math.round(performance.now() - started),
      detail: `${reason}: ${String((error as Error).message ?? '').slice(0, 200)}`,
    };
  }
}

/** Any HTTP answer (even a 404 or 405) proves the server is up; only a refused or hung connection does not. */
function reachable(url: string) {
  return async (signal: AbortSignal) => {
    const response = await fetch(url, { method: 'GET', signal });
    await response.body?.cancel();
    return `HTTP ${response.status}`;
  };
}

/**
 * The local stack's operations source (`OPS_STATUS=local`, set by local/stack.ts): probes every emulator and
 * stand-in through the endpoints the functions use (DynamoDB Local: the table exists; kinesalite: the stream is
 * ACTIVE; s3rver: the lake bucket exists; the rest: the server answers HTTP), and lists dead letters recorded in
 * this process. In AWS the same questions are answered by the CloudWatch dashboard and alarms, so the route is off.
 */
export function createLocalOpsStatusSource(env: Record<string, string | undefined>): OpsStatusSource {
  const region = env.AWS_REGION ?? 'us-east-1';
  const credentials = {
    accessKeyId: env.AWS_ACCESS_KEY_ID ?? 'local',
    secretAccessKey: env.AWS_SECRET_ACCESS_KEY ?? 'local',
  };
  const common = {
    region,
    credentials,
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler({ connectionTimeout: PROBE_TIMEOUT_MS, requestTimeout: PROBE_TIMEOUT_MS }),
  };
  const dynamodb = env.DYNAMODB_ENDPOINT ? new DynamoDBClient({ ...common, endpoint: env.DYNAMODB_ENDPOINT }) : null;
  const kinesis = env.KINESIS_ENDPOINT ? new KinesisClient({ ...common, endpoint: env.KINESIS_ENDPOINT }) : null;
  const s3 = env.S3_ENDPOINT ? new S3Client({ ...common, endpoint: env.S3_ENDPOINT, forcePathStyle: true }) : null;
  const issuer = env.OIDC_ISSUER?.replace(/\/+$/, '');

  const probes: Probe[] = [
    {
      name: 'DynamoDB Local',
      role: 'DynamoDB (single table)',
      endpoint: env.DYNAMODB_ENDPOINT,
      check: async (signal) => {
        const out = await dynamodb?.send(new DescribeTableCommand({ TableName: env.TABLE_NAME }), {
          abortSignal: signal,
        });
        return `table ${env.TABLE_NAME} ${out?.Table?.TableStatus ?? 'unknown'}`;
      },
    },
    {
      name: 'kinesalite',
      role: 'Kinesis Data Streams (canonical events)',
      endpoint: env.KINESIS_ENDPOINT,
      check: async (signal) => {
        const out = await kinesis?.send(new DescribeStreamSummaryCommand({ StreamName: env.EVENT_STREAM_NAME }), {
          abortSignal: signal,
        });
        const summary = out?.StreamDescriptionSummary;
        return `stream ${env.EVENT_STREAM_NAME} ${summary?.StreamStatus ?? 'unknown'}, ${summary?.OpenShardCount ?? '?'} shard(s)`;
      },
    },
    {
      name: 's3rver',
      role: 'S3 (lake bucket)',
      endpoint: env.S3_ENDPOINT,
      check: async (signal) => {
        await s3?.send(new HeadBucketCommand({ Bucket: env.LAKE_BUCKET }), { abortSignal: signal });
        return `bucket ${env.LAKE_BUCKET} present`;
      },
    },
    {
      name: 'Step Functions (local)',
      role: 'Step Functions',
      endpoint: env.SFN_ENDPOINT,
      check: reachable(env.SFN_ENDPOINT ?? ''),
    },
    {
      name: 'OIDC issuer',
      role: 'Cognito user pool (sign-in)',
      endpoint: issuer,
      check: async (signal) => {
        const response = await fetch(`${issuer}/.well-known/openid-configuration`, { signal });
        if (!response.ok) throw new Error(`discovery answered HTTP ${response.status}`);
        const document = (await response.json()) as { issuer?: string };
        return `issuer ${document.issuer ?? '?'}`;
      },
    },
    {
      name: 'Cognito admin API (local)',
      role: 'Cognito admin API (invitations)',
      endpoint: env.COGNITO_ENDPOINT,
      check: reachable(env.COGNITO_ENDPOINT ?? ''),
    },
    {
      name: 'WebSocket management',
      role: 'API Gateway management API (push)',
      endpoint: env.WS_MANAGEMENT_ENDPOINT,
      check: reachable(env.WS_MANAGEMENT_ENDPOINT ?? ''),
    },
    {
      name: 'EventBridge (local)',
      role: 'EventBridge bus (Action Hub)',
      endpoint: env.EVENTBRIDGE_ENDPOINT,
      check: reachable(env.EVENTBRIDGE_ENDPOINT ?? ''),
    },
    {
      name: 'Provider simulator',
      role: 'AI provider APIs (no keys set)',
      endpoint: env.PROVIDER_SIMULATOR_URL,
      check: reachable(env.PROVIDER_SIMULATOR_URL ?? ''),
    },
  ];

  return {
    components: () => Promise.all(probes.map(run)),
    deadLetters: async () => deadLetters(),
  };
}
