import { join } from 'node:path';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { credentialsFromEnv } from '../../functions/adapters/connectors/index.ts';
import { claimPort } from '../emulators/ports.ts';
import { REPLAY_CREDENTIALS, startConnectorReplay } from './server.ts';

export const CONNECTOR_STATE_MACHINE_ARN =
  'arn:aws:states:us-east-1:000000000000:stateMachine:promptpulse-connector-ingest';

/**
 * Local wiring of the connectors (called by local/stack.ts before the functions are imported): sources without real
 * credentials in the environment are pointed at the local replay server, with the replay credentials. Returns the
 * environment to merge and a stop function.
 */
export async function prepareLocalConnectors(options: {
  env: Record<string, string | undefined>;
  gatewayUrl: string;
  log: (line: string) => void;
  /**
   * Persistent data: the replay server keeps one port (`PROMPTPULSE_REPLAY_PORT`, default 4570) because stored feed
   * URLs point at it; in memory (tests) it takes a free port.
   */
  persistent?: boolean;
}) {
  // The replay credentials themselves (left in the environment by an earlier start in this process) are not real ones.
  const given = credentialsFromEnv(options.env);
  const real = {
    reddit: given.reddit?.clientId === REPLAY_CREDENTIALS.reddit.clientId ? null : given.reddit,
    x: given.x?.bearerToken === REPLAY_CREDENTIALS.x.bearerToken ? null : given.x,
    meta: given.meta?.accessToken === REPLAY_CREDENTIALS.meta.accessToken ? null : given.meta,
  };
  const env: Record<string, string> = {
    CONNECTOR_STATE_MACHINE_ARN,
    PUBLIC_API_URL: `${options.gatewayUrl}/api`,
  };
  const replayed: string[] = [];
  const port = options.persistent
    ? await claimPort(
        Number(options.env.PROMPTPULSE_REPLAY_PORT ?? 4570),
        'the connector replay server',
        'PROMPTPULSE_REPLAY_PORT',
      )
    : 0;
  const replay = real.reddit && real.x && real.meta ? null : await startConnectorReplay({ port });
  if (replay) {
    if (!real.reddit) {
      replayed.push('Reddit');
      Object.assign(env, {
        REDDIT_AUTH_URL: replay.endpoints.redditAuth,
        REDDIT_API_URL: replay.endpoints.redditApi,
        REDDIT_CLIENT_ID: REPLAY_CREDENTIALS.reddit.clientId,
        REDDIT_CLIENT_SECRET: REPLAY_CREDENTIALS.reddit.clientSecret,
      });
    }
    if (!real.x) {
      replayed.push('X');
      Object.assign(env, { X_API_URL: replay.endpoints.xApi, X_BEARER_TOKEN: REPLAY_CREDENTIALS.x.bearerToken });
    }
    if (!real.meta) {
      replayed.push('Meta');
      Object.assign(env, {
        META_GRAPH_URL: replay.endpoints.metaGraph,
        META_ACCESS_TOKEN: REPLAY_CREDENTIALS.meta.accessToken,
      });
    }
    options.log(`connector replay server ${replay.url} (serving ${replayed.join(', ')} and demo feeds)`);
  }
  return {
    env,
    replay,
    stop: async () => {
      await replay?.stop();
    },
  };
}

/** The connector-ingest state machine for the local Step Functions emulator: the same ASL CDK deploys. */
export async function localConnectorStateMachine(repoRoot: string) {
  const { connectorIngestSteps } = await import('../../functions/handlers/connectors/steps.ts');
  const { createConnectorDeps } = await import('../../functions/handlers/connectors/deps.ts');
  return {
    arn: CONNECTOR_STATE_MACHINE_ARN,
    definition: join(repoRoot, 'state-machines', 'connector-ingest.asl.json'),
    handlers: connectorIngestSteps(createConnectorDeps().ingest) as never,
  };
}

/**
 * The local stand-in for the EventBridge Scheduler schedule: starts a connector-ingest execution every interval
 * (the first one shortly after start, so a fresh `npm start` shows signals at once) through the Step Functions API.
 */
export function startLocalConnectorSchedule(options: {
  sfnEndpoint: string;
  intervalMs: number;
  log: (line: string) => void;
}) {
  const client = new SFNClient({ region: 'us-east-1', endpoint: options.sfnEndpoint });
  let running = false;
  const fire = () => {
    if (running) return;
    running = true;
    client
      .send(
        new StartExecutionCommand({
          stateMachineArn: CONNECTOR_STATE_MACHINE_ARN,
          name: `scheduled-${Date.now()}`,
          input: JSON.stringify({ trigger: 'schedule' }),
        }),
      )
      .catch((error: Error) => options.log(`connector schedule failed: ${error.message}`))
      .finally(() => {
        running = false;
      });
  };
  const first = setTimeout(fire, 2000);
  const timer = setInterval(fire, options.intervalMs);
  return async () => {
    clearTimeout(first);
    clearInterval(timer);
    client.destroy();
  };
}
