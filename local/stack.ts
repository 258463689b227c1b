import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { ClientConfig } from '#shared/contracts/client-config.ts';
import { publicRouteSet, RESOURCE_NAMES } from '#shared/infra/resources.ts';
import { deployedFanoutDefinition } from '../cdk/asl.ts';
import {
  localConnectorStateMachine,
  prepareLocalConnectors,
  startLocalConnectorSchedule,
} from './connector-replay/local.ts';
import { createCognitoIdpHandler, LOCAL_USER_POOL_ID } from './emulators/cognito-idp.ts';
import { ensureMainTable, startDynamoDbLocal } from './emulators/dynamodb.ts';
import { ensureEventStream, localKinesisClient, startKinesisLocal } from './emulators/kinesis.ts';
import { createKmsHandler, LOCAL_SECRETS_KEY_ALIAS } from './emulators/kms.ts';
import { claimPort } from './emulators/ports.ts';
import { ensureLakeBucket, localS3Client, startS3Local } from './emulators/s3.ts';
import { createStepFunctionsEmulator } from './emulators/stepfunctions.ts';
import { createGateway, type HttpApiHandler, WEBSOCKET_MANAGEMENT_PREFIX, WEBSOCKET_PATH } from './gateway/gateway.ts';
import { createLocalWebSocketGateway, type WebSocketLambdaHandler } from './gateway/websocket-gateway.ts';
import { type MailCatcher, startMailCatcher } from './mail-catcher/index.ts';
import { localMailer } from './mail-catcher/sender.ts';
import { withMarketSync } from './market-sync.ts';
import { createLocalIssuer, type LocalIssuer } from './oidc/issuer.ts';
import { LocalUserStore } from './oidc/user-store.ts';
import type { FaultConfig } from './provider-simulator/faults.ts';
import { DEMO_MARKET, startProviderSimulator } from './provider-simulator/index.ts';
import { localReanalysisStateMachine, REANALYSIS_STATE_MACHINE_ARN } from './reanalysis.ts';
import { DEMO_USERS, OTHER_TENANT_OWNER, seedDemoWorkspace } from './seed.ts';
import { seedDemoConnectors } from './seed-connectors.ts';
import type { UsageMeter } from './usage-meter.ts';

export interface LocalStackOptions {
  /** Persistent data directory; null runs everything in memory / temp dirs (ephemeral). */
  dataDir: string | null;
  /** Ports; 0 picks a free one (tests). */
  ports: { gateway: number; dynamodb: number; kinesis: number; s3: number };
  /** Powertools log level of the functions. @default 'WARN' */
  logLevel?: string;
  seed?: boolean;
  /** Built SPA directory. @default `<repo>/web/dist` */
  webDist?: string;
  log?: (line: string) => void;
  /**
   * The local AI provider simulator (used for every provider without an API key in the environment).
   * @default started on a free port with the demo market and no faults
   */
  /**
   * The provider simulator: faults (over its realistic default behaviour) and `latencyScale` of its realistic
   * latency (default `PROVIDER_SIMULATOR_LATENCY_SCALE`, else 1; test stacks use a small one).
   */
  providerSimulator?: { port?: number; faults?: FaultConfig; latencyScale?: number };
  /**
   * How often the local scheduler looks for due brand schedules (EventBridge fires every minute in AWS);
   * null turns it off (tests start runs explicitly). @default 30000
   */
  schedulerIntervalMs?: number | null;
  /**
   * Called when a member is invited, besides the invitation mail sent to the local mail catcher (tests read the
   * temporary password from here). @default nothing more
   */
  onInvitation?: (email: string, temporaryPassword: string) => void;
  /** Access-token lifetime of the local issuer, in seconds. @default 3600 */
  accessTokenTtlSeconds?: number;
  /** Buffering of the local Firehose stand-in writing the lake. @default 1 MiB / 3000 ms */
  lakeBuffer?: { maxBytes?: number; intervalMs?: number };
  /**
   * ~90 days of demo history through the pipeline on first start (local/seed-history.ts). `rescorable` also stores
   * the raw answers and the re-analysis ledger, so a brand change re-scores the history (slower to seed).
   * @default false
   */
  demoHistory?: boolean | { days?: number; rescorable?: boolean };
  /** Counts Lambda invocations and workflow state transitions for a cost measurement (tools/cost/measure.ts). */
  meter?: UsageMeter;
}

export interface LocalStack {
  url: string;
  apiUrl: string;
  /** The WebSocket API (`ws://localhost:<port>/ws`); its management API is `WS_MANAGEMENT_ENDPOINT`. */
  websocketUrl: string;
  issuerUrl: string;
  clientId: string;
  endpoints: {
    dynamodb: string;
    kinesis: string;
    s3: string;
    providerSimulator: string;
    /** The social/news replay server (null when every source has real credentials). */
    connectorReplay: string | null;
    /** The mail catcher's page: invitations and other mail the local stack sends (local/mail-catcher). */
    mail: string;
    /** The local CRM receiver's page: tasks the Action Hub synced. */
    crm: string;
    /** The EventBridge stand-in (PutEvents and API destinations; `GET /_dead-letters`). */
    eventBridge: string;
  };
  /** Every mail the local stack sent. */
  mail: MailCatcher;
  issuer: LocalIssuer;
  users: LocalUserStore;
  demoTenantId: string | null;
  /**
   * Kills one emulator and starts it again on the same port and data (resilience tests: a dependency dying
   * mid-run). Only meaningful with a `dataDir` for DynamoDB and kinesalite (in-memory ones come back empty).
   */
  restartEmulator(name: 'dynamodb' | 'kinesis' | 's3', downMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export const WEB_CLIENT_ID = RESOURCE_NAMES.webClient;
export const FANOUT_STATE_MACHINE_ARN = 'arn:aws:states:us-east-1:000000000000:stateMachine:promptpulse-prompt-fanout';

/** Restarts an execution through the same Step Functions API the API function uses. */
class SfnStarterForResume {
  constructor(
    private readonly region: string,
    private readonly loopback: string,
  ) {}
  async start(run: { tenantId: string; runId: string }) {
    const { createSfnClient } = await import('../functions/adapters/aws/clients.ts');
    const { SfnWorkflowStarter } = await import('../functions/adapters/aws/sfn-workflow-starter.ts');
    const client = createSfnClient({ AWS_REGION: this.region, SFN_ENDPOINT: `${this.loopback}/stepfunctions` });
    await new SfnWorkflowStarter(client, FANOUT_STATE_MACHINE_ARN).startRun(run);
    client.destroy();
  }
}
const REPO_ROOT = resolve(import.meta.dirname, '..');

/**
 * Starts the embedded local stack: the emulators, the production handlers wired to them by environment
 * (exactly as Lambda would read it), the local identity provider and the gateway serving API, IdP and SPA.
 */
export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const log = options.log ?? (() => {});
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const fn of stops.reverse()) await fn().catch((error) => log(`shutdown: ${(error as Error).message}`));
    stops.length = 0;
  };

  try {
    const ports = {
      gateway: await claimPort(options.ports.gateway, 'the web app and API', 'PROMPTPULSE_PORT'),
      dynamodb: await claimPort(options.ports.dynamodb, 'DynamoDB Local', 'PROMPTPULSE_DYNAMODB_PORT'),
      kinesis: await claimPort(options.ports.kinesis, 'kinesalite', 'PROMPTPULSE_KINESIS_PORT'),
      s3: await claimPort(options.ports.s3, 's3rver', 'PROMPTPULSE_S3_PORT'),
    };
    const tempDir = options.dataDir ? null : mkdtempSync(join(tmpdir(), 'promptpulse-'));
    if (tempDir) stops.push(async () => rmSync(tempDir, { recursive: true, force: true }));
    const dir = (name: string) => (options.dataDir ? join(options.dataDir, name) : null);

    const startEmulator = {
      dynamodb: (readyTimeoutMs?: number) => startDynamoDbLocal(ports.dynamodb, dir('dynamodb'), readyTimeoutMs),
      kinesis: () => startKinesisLocal(ports.kinesis, dir('kinesis')),
      s3: () => startS3Local(ports.s3, dir('s3') ?? join(tempDir ?? tmpdir(), 's3')),
    };
    const [dynamodb, kinesis, s3] = await Promise.all([
      startEmulator.dynamodb(),
      startEmulator.kinesis(),
      startEmulator.s3(),
    ]);
    const running = { dynamodb, kinesis, s3 };
    stops.push(
      () => running.dynamodb.stop(),
      () => running.kinesis.stop(),
      () => running.s3.stop(),
    );
    const restartEmulator = async (name: keyof typeof running, downMs = 1000) => {
      if (name === 'kinesis') return running.kinesis.interrupt(downMs);
      await running[name].stop();
      await new Promise((r) => setTimeout(r, downMs));
      // biome-ignore lint/suspicious/noExplicitAny: each starter returns its own emulator handle
      (running as Record<string, any>)[name] = await startEmulator[name](120_000);
    };
    await Promise.all([
      ensureMainTable(dynamodb.endpoint),
      ensureEventStream(kinesis.endpoint),
      ensureLakeBucket(s3.endpoint),
    ]);
    log(`emulators ready: dynamodb ${dynamodb.endpoint}, kinesis ${kinesis.endpoint}, s3 ${s3.endpoint}`);
    const simulator = await startProviderSimulator({
      port: options.providerSimulator?.port ?? 0,
      host: '127.0.0.1',
      ...(options.providerSimulator?.faults ? { faults: options.providerSimulator.faults } : {}),
      latencyScale:
        options.providerSimulator?.latencyScale ?? Number(process.env.PROVIDER_SIMULATOR_LATENCY_SCALE ?? 1),
    });
    stops.push(() => simulator.stop());

    const url = `http://localhost:${ports.gateway}`;
    const loopback = `http://127.0.0.1:${ports.gateway}`;
    const issuerUrl = `${url}/oidc`;
    // Social and news sources without credentials are served by the local replay server.
    const connectors = await prepareLocalConnectors({
      env: process.env,
      gatewayUrl: url,
      log,
      persistent: options.dataDir !== null,
    });
    stops.push(connectors.stop);

    // The functions read their configuration from the environment, as in Lambda.
    Object.assign(process.env, {
      AWS_REGION: 'us-east-1',
      // s3rver only knows this key pair; DynamoDB Local (shared db) and kinesalite accept any.
      AWS_ACCESS_KEY_ID: 'S3RVER',
      AWS_SECRET_ACCESS_KEY: 'S3RVER',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      TABLE_NAME: RESOURCE_NAMES.table,
      EVENT_STREAM_NAME: RESOURCE_NAMES.eventStream,
      LAKE_BUCKET: RESOURCE_NAMES.lakeBucket,
      DYNAMODB_ENDPOINT: dynamodb.endpoint,
      KINESIS_ENDPOINT: kinesis.endpoint,
      S3_ENDPOINT: s3.endpoint,
      AUTH_PROVIDER: 'oidc',
      OIDC_ISSUER: issuerUrl,
      OIDC_CLIENT_ID: WEB_CLIENT_ID,
      OIDC_JWKS_URI: `${loopback}/oidc/jwks`,
      USER_POOL_ID: LOCAL_USER_POOL_ID,
      COGNITO_ENDPOINT: `${loopback}/cognito-idp`,
      KMS_ENDPOINT: `${loopback}/kms`,
      SECRETS_KEY_ID: LOCAL_SECRETS_KEY_ALIAS,
      WS_MANAGEMENT_ENDPOINT: `${loopback}${WEBSOCKET_MANAGEMENT_PREFIX}`,
      STATE_MACHINE_ARN: FANOUT_STATE_MACHINE_ARN,
      REANALYSIS_STATE_MACHINE_ARN,
      SFN_ENDPOINT: `${loopback}/stepfunctions`,
      PROVIDER_SIMULATOR_URL: simulator.url,
      // Local receivers (CRM, feed replay) live on 127.0.0.1; private and link-local ranges stay refused.
      OUTBOUND_ALLOW_LOOPBACK: 'true',
      POWERTOOLS_SERVICE_NAME: 'promptpulse-api',
      POWERTOOLS_LOG_LEVEL: options.logLevel ?? 'WARN',
      POWERTOOLS_TRACE_ENABLED: 'false',
      POWERTOOLS_DEV: 'false',
      // No EMF on the console locally; GET /ops/status shows the metric totals and probes the emulators instead.
      POWERTOOLS_METRICS_DISABLED: 'true',
      OPS_STATUS: 'local',
      ...connectors.env,
    });

    // Action Hub: EventBridge stand-in (sets EVENTBRIDGE_ENDPOINT before the API loads), engine consumer, local CRM.
    const actionHub = await (await import('./event-bus/index.ts')).startLocalActionHub({
      kinesisEndpoint: kinesis.endpoint,
      streamName: RESOURCE_NAMES.eventStream,
      region: 'us-east-1',
      checkpointDir: dir('stream-checkpoints'),
      appUrl: url,
      log,
    });
    stops.push(actionHub.stop);
    const mail = await startMailCatcher({ log });
    stops.push(mail.stop);
    const mailer = localMailer({ host: mail.smtpHost, port: mail.smtpPort });

    // Production code, imported only now that its environment is set.
    const { addTenantClaims } = await import('../functions/handlers/auth/pre-token-generation.ts');
    const { createDocumentClient } = await import('../functions/adapters/aws/clients.ts');
    const { DynamoDbWorkspaceRepository } = await import('../functions/adapters/aws/dynamodb-workspace-repository.ts');
    const { ulidGenerator } = await import('../functions/adapters/system.ts');
    const { JwtAccessTokenVerifier } = await import('../functions/adapters/auth/jwt-access-token-verifier.ts');

    const users = new LocalUserStore(options.dataDir ? join(options.dataDir, 'users.json') : null);
    const issuer = await createLocalIssuer({
      issuer: issuerUrl,
      clientId: WEB_CLIENT_ID,
      appOrigins: [url, loopback],
      dataDir: options.dataDir ? join(options.dataDir, 'oidc') : null,
      users,
      accessTokenTtlSeconds: options.accessTokenTtlSeconds,
      tenantClaims: async (user) => {
        const event = cognitoTriggerEvent(user.sub, user.email);
        const result = await addTenantClaims(event);
        const details = result.response.claimsAndScopeOverrideDetails;
        return {
          claims: (details?.accessTokenGeneration?.claimsToAddOrOverride ?? {}) as Record<string, string>,
          groups: details?.groupOverrideDetails?.groupsToOverride ?? [],
        };
      },
    });

    let apiHandler: HttpApiHandler | null = null;
    let authorizer: Awaited<ReturnType<typeof JwtAccessTokenVerifier.create>> | null = null;
    const clientConfig: ClientConfig = {
      apiBaseUrl: '/api',
      websocketUrl: `${url.replace(/^http/, 'ws')}${WEBSOCKET_PATH}`,
      auth: {
        authority: issuerUrl,
        clientId: WEB_CLIENT_ID,
        scope: 'openid email profile offline_access',
        logoutUrl: null,
      },
      environment: 'local',
    };
    let wsHandler: WebSocketLambdaHandler | null = null;
    let stepFunctions: ReturnType<typeof createStepFunctionsEmulator> | null = null;
    const websocket = createLocalWebSocketGateway({
      handler: (event, context) => {
        if (!wsHandler) return Promise.reject(new Error('WebSocket handler not loaded yet'));
        return wsHandler(event, context);
      },
      log,
    });
    const server: Server = createGateway({
      websocket,
      apiHandler: (event, context) => {
        if (!apiHandler) throw new Error('API handler not loaded yet');
        return apiHandler(event, context);
      },
      authorizer: {
        verify: (token) => (authorizer ? authorizer.verify(token) : Promise.reject(new Error('not ready'))),
      },
      publicRoutes: publicRouteSet(),
      issuer,
      stepFunctions: (req, res) => {
        if (!stepFunctions) return void res.writeHead(503).end();
        stepFunctions.handle(req, res);
      },
      cognitoIdp: createCognitoIdpHandler(users, {
        userPoolId: LOCAL_USER_POOL_ID,
        // As Cognito mails the invitation through SES, the local stack mails it to the catcher; a failed send is
        // logged and the invitation stands (the owner can resend it), as with a bounced mail in AWS.
        onInvitation: (email, temporaryPassword) => {
          options.onInvitation?.(email, temporaryPassword);
          mailer
            .sendInvitation(email, temporaryPassword)
            .then(() => log(`Invitation for ${email} sent to the mail catcher (${mail.url})`))
            .catch((error: Error) => log(`Invitation mail to ${email} failed: ${error.message}`));
        },
      }),
      kms: createKmsHandler({ keyFile: dir('kms') ? join(dir('kms') ?? '', 'secrets-key') : null }),
      clientConfig,
      webDist: options.webDist ?? join(REPO_ROOT, 'web', 'dist'),
      log: options.logLevel === 'DEBUG' ? log : undefined,
    });
    await new Promise<void>((resolvePromise, reject) => {
      server.once('error', reject);
      server.listen(ports.gateway, '127.0.0.1', () => resolvePromise());
    });
    stops.push(
      () =>
        new Promise<void>((resolvePromise) => {
          server.close(() => resolvePromise());
          server.closeAllConnections();
        }),
      websocket.close,
    );

    // The API handler module verifies tokens with the issuer's JWKS, fetched at its cold start.
    const api = await import('../functions/handlers/api/index.ts');
    apiHandler = api.handler as unknown as HttpApiHandler;
    wsHandler = (await import('../functions/handlers/ws/index.ts')).handler as unknown as WebSocketLambdaHandler;
    const config = (await import('../functions/config.ts')).readApiConfig();
    authorizer = await JwtAccessTokenVerifier.create(config.auth);

    // The fan-out workflow: the definition CDK deploys (the ASL file with its Distributed Map), its task states calling
    // the production steps.
    const { fanoutSteps } = await import('../functions/handlers/fanout/workflow-steps.ts');
    const { createWorkerDeps } = await import('../functions/handlers/fanout/worker-deps.ts');
    const { providersOf } = await import('../functions/handlers/fanout/provider-wiring.ts');
    const workerDeps = createWorkerDeps(process.env, { providers: providersOf() });
    stepFunctions = createStepFunctionsEmulator(
      [
        {
          arn: FANOUT_STATE_MACHINE_ARN,
          definition: deployedFanoutDefinition(),
          // Local only: the simulator learns each run's market first (local/market-sync.ts).
          handlers: withMarketSync(fanoutSteps(workerDeps), {
            ...workerDeps,
            register: simulator.registerMarket,
            builtIn: [DEMO_MARKET],
            log,
          }) as never,
        },
        await localConnectorStateMachine(REPO_ROOT),
        await localReanalysisStateMachine(),
      ],
      log,
      options.meter,
    );
    const sfnEmulator = stepFunctions;
    stops.push(async () => {
      // Stop the workflow first and let its in-flight steps finish while the emulators are still up.
      sfnEmulator.abortAll();
      const left = await sfnEmulator.drain();
      if (left > 0) log(`shutdown: ${left} workflow step(s) still running`);
    });

    // The event stream's consumers: the production aggregate handler (event-source-mapping semantics) and the lake.
    const { startEventPipeline } = await import('./event-pipeline.ts');
    const [pipelineKinesis, pipelineS3] = [localKinesisClient(kinesis.endpoint), localS3Client(s3.endpoint)];
    const pipeline = await startEventPipeline({
      kinesis: pipelineKinesis,
      s3: pipelineS3,
      streamName: RESOURCE_NAMES.eventStream,
      bucket: RESOURCE_NAMES.lakeBucket,
      region: 'us-east-1',
      checkpointDir: dir('stream-checkpoints'),
      ...(options.lakeBuffer ? { lake: options.lakeBuffer } : {}),
      ...(options.meter ? { meter: options.meter } : {}),
      log,
    });
    stops.push(async () => {
      await pipeline.stop();
      pipelineKinesis.destroy();
      pipelineS3.destroy();
    });

    let demoTenantId: string | null = null;
    if (options.seed !== false) {
      const { DynamoDbBrandRepository } = await import('../functions/adapters/aws/dynamodb-brand-repository.ts');
      const db = createDocumentClient(config);
      const seeded = await seedDemoWorkspace({
        users,
        workspaces: new DynamoDbWorkspaceRepository(db, config.TABLE_NAME),
        brands: new DynamoDbBrandRepository(db, config.TABLE_NAME),
        ids: ulidGenerator,
        now: () => new Date(),
      });
      demoTenantId = seeded.tenantId;
      await (await import('./seed-actions.ts')).seedDemoActions({
        tenantId: seeded.tenantId,
        crmWebhookUrl: actionHub.crm.webhookUrl,
      });
      await seedDemoConnectors({ tenantId: seeded.tenantId, feedsBaseUrl: connectors.replay?.endpoints.feeds ?? null });
      if (options.demoHistory)
        await (await import('./seed-history.ts')).seedDemoHistory({
          dynamodbEndpoint: dynamodb.endpoint,
          kinesisEndpoint: kinesis.endpoint,
          ...(typeof options.demoHistory === 'object' && options.demoHistory.rescorable
            ? { s3Endpoint: s3.endpoint }
            : {}),
          tenantId: seeded.tenantId,
          log,
          ...(typeof options.demoHistory === 'object' && options.demoHistory.days !== undefined
            ? { days: options.demoHistory.days }
            : {}),
        });
    }

    // The model catalogue: refreshed from the providers' models endpoints (the simulator's without keys) at start, then
    // every 6 hours, as EventBridge Scheduler does in AWS (cdk/constructs/model-catalogue-refresh.ts).
    stops.push(await (await import('./model-catalogue-schedule.ts')).startModelCatalogueSchedule({ log }));

    // Runs interrupted by a restart resume: finished items are skipped (idempotent ids), the rest are asked.
    const active = await workerDeps.runs.listActiveRuns();
    for (const run of active) await new SfnStarterForResume(config.AWS_REGION, loopback).start(run);
    if (active.length > 0) log(`resumed ${active.length} unfinished run(s)`);

    const interval = options.schedulerIntervalMs === undefined ? 30_000 : options.schedulerIntervalMs;
    if (interval !== null) {
      const { tick } = await import('../functions/handlers/scheduler/tick.ts');
      let ticking = false;
      const timer = setInterval(() => {
        if (ticking) return;
        ticking = true;
        tick()
          .then((result) => result.started.length > 0 && log(`scheduler started ${result.started.length} run(s)`))
          .catch((error: Error) => log(`scheduler tick failed: ${error.message}`))
          .finally(() => {
            ticking = false;
          });
      }, interval);
      stops.push(async () => clearInterval(timer));
      stops.push(await (await import('./event-pipeline.ts')).startMaterializeSchedule({ intervalMs: 3_600_000, log }));
      // Workspace purges whose grace period ended (hourly, as in AWS); an interrupted one resumes at its saved step.
      const { purgeDue } = await import('../functions/handlers/lifecycle/purge.ts');
      const purgeTimer = setInterval(() => {
        purgeDue().catch((error: Error) => log(`workspace purge: ${error.message}`));
      }, 3_600_000);
      stops.push(async () => clearInterval(purgeTimer));
      // Retention: the lake's lifecycle rules and the table's TTL, which s3rver and DynamoDB Local do not apply.
      const { sweepLakeLifecycle, sweepExpiredItems } = await import('./lifecycle-sweeper.ts');
      const { LAKE_RETENTION_RULES } = await import('#shared/infra/lake-retention-rules.ts');
      const sweepS3 = localS3Client(s3.endpoint);
      const sweepDb = createDocumentClient(config);
      const sweep = async () => {
        const now = new Date();
        const lake = await sweepLakeLifecycle({
          s3: sweepS3,
          bucket: RESOURCE_NAMES.lakeBucket,
          rules: LAKE_RETENTION_RULES,
          now,
        });
        const items = await sweepExpiredItems({ db: sweepDb, tableName: config.TABLE_NAME, now });
        if (lake.expired + items.expired > 0)
          log(`retention: ${lake.expired} object(s), ${items.expired} item(s) expired`);
      };
      const sweepTimer = setInterval(() => {
        sweep().catch((error: Error) => log(`retention sweep: ${error.message}`));
      }, 3_600_000);
      stops.push(async () => {
        clearInterval(sweepTimer);
        sweepS3.destroy();
      });
      // Connector ingest: EventBridge Scheduler fires it every minute in AWS; each connector has its own interval.
      stops.push(startLocalConnectorSchedule({ sfnEndpoint: `${loopback}/stepfunctions`, intervalMs: 60_000, log }));
    }

    return {
      url,
      apiUrl: `${url}/api`,
      websocketUrl: `${url.replace(/^http/, 'ws')}${WEBSOCKET_PATH}`,
      issuerUrl,
      clientId: WEB_CLIENT_ID,
      endpoints: {
        dynamodb: dynamodb.endpoint,
        kinesis: kinesis.endpoint,
        s3: s3.endpoint,
        providerSimulator: simulator.url,
        connectorReplay: connectors.replay?.url ?? null,
        mail: mail.url,
        crm: actionHub.crm.url,
        eventBridge: actionHub.busEndpoint,
      },
      mail,
      issuer,
      users,
      demoTenantId,
      restartEmulator,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The Cognito pre-token-generation V2 event for a sign-in, as the user pool would send it. */
function cognitoTriggerEvent(sub: string, email: string) {
  return {
    version: '2',
    triggerSource: 'TokenGeneration_HostedAuth',
    region: 'us-east-1',
    userPoolId: 'local',
    userName: sub,
    callerContext: { awsSdkVersion: 'local', clientId: WEB_CLIENT_ID },
    request: {
      userAttributes: { sub, email },
      groupConfiguration: { groupsToOverride: [], iamRolesToOverride: [], preferredRole: null },
      scopes: ['openid', 'email', 'profile'],
    },
    response: { claimsAndScopeOverrideDetails: null },
  } as unknown as Parameters<typeof import('../functions/handlers/auth/pre-token-generation.ts').addTenantClaims>[0];
}

export { DEMO_USERS, OTHER_TENANT_OWNER };
