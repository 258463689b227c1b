import { CfnOutput, type RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { ActionSync } from '../constructs/action-sync.ts';
import type { AlarmTopic } from '../constructs/alarm-topic.ts';
import { API_ROUTE_GROUPS, type ApiRouteGroup, ApiService } from '../constructs/api-service.ts';
import { ConnectorIngest } from '../constructs/connector-ingest.ts';
import type { ConnectorKeys } from '../constructs/connector-keys.ts';
import type { DataTable } from '../constructs/data-table.ts';
import { EventAggregator } from '../constructs/event-aggregator.ts';
import type { EventStream } from '../constructs/event-stream.ts';
import { PublicHttpApi } from '../constructs/http-api.ts';
import type { LakeBucket } from '../constructs/lake-bucket.ts';
import { LakeDelivery } from '../constructs/lake-delivery.ts';
import { ModelCatalogueRefresh } from '../constructs/model-catalogue-refresh.ts';
import { Operations } from '../constructs/operations.ts';
import { PromptFanout } from '../constructs/prompt-fanout.ts';
import type { ProviderKeys } from '../constructs/provider-keys.ts';
import { Reanalysis } from '../constructs/reanalysis.ts';
import { RunScheduler } from '../constructs/run-scheduler.ts';
import { ScheduleGroup } from '../constructs/schedule-group.ts';
import { type SnowflakeCredentials, SnowflakeDelivery } from '../constructs/snowflake-delivery.ts';
import { grantTenantSecretsKey } from '../constructs/tenant-secrets.ts';
import type { UserDirectory } from '../constructs/user-directory.ts';
import { WarehouseMaterializer } from '../constructs/warehouse-materializer.ts';
import { WebHosting } from '../constructs/web-hosting.ts';
import { PushWebSocketApi } from '../constructs/websocket-api.ts';
import { WorkspacePurge } from '../constructs/workspace-purge.ts';
import type { Monitoring, SnowflakeDeliverySettings } from '../context.ts';

export interface StatelessStackProps extends StackProps {
  readonly table: DataTable;
  readonly eventStream: EventStream;
  readonly lake: LakeBucket;
  readonly users: UserDirectory;
  /** The AI providers' keys secret (stateful: operators put the keys by hand). */
  readonly providerKeys: ProviderKeys;
  /** The connectors' platform credentials (Reddit, X, Meta; stateful). @default - connectors read none */
  readonly connectorKeys?: ConnectorKeys;
  /** Where every alarm notifies (stateful: operators subscribe to it). */
  readonly alarms: AlarmTopic;
  readonly webOrigins: string[];
  /** The SPA's custom domain and its us-east-1 ACM certificate. @default - the *.cloudfront.net name */
  readonly customDomain?: { domainName: string; certificateArn: string };
  readonly logRetention: logs.RetentionDays;
  readonly apiRateLimit: number;
  readonly apiBurstLimit: number;
  /** `PROVIDER_CONCURRENCY` of the fan-out steps. @default - the workflow's defaults */
  readonly providerConcurrency?: string;
  /** Whether alarms notify the alarm topic (prod) or only show on the dashboard (dev). @default true */
  readonly alarmNotifications?: boolean;
  /** Dashboard and alarm set (cdk/context.ts `MONITORING_LEVELS`). @default 'full' */
  readonly monitoring?: Monitoring;
  /** Reserved concurrency of the Ask step (prod). @default - unreserved */
  readonly askReservedConcurrency?: number;
  /** Reserved concurrency 1 on the scheduler tick and the warehouse materialization (prod). @default false */
  readonly serialJobs?: boolean;
  /** CloudWatch namespace of the business metrics. @default 'PromptPulse' */
  readonly metricsNamespace?: string;
  /** Spend-cap refusals per hour that fire the alarm. @default 1 */
  readonly spendCapAlarmThreshold?: number;
  /** RETAIN (prod) or DESTROY (dev) for the SPA and edge-log buckets. @default RemovalPolicy.RETAIN */
  readonly dataRemovalPolicy?: RemovalPolicy;
  /** The Snowflake feed of the event stream, with its credentials (stateful). @default - lake only */
  readonly snowflake?: { settings: SnowflakeDeliverySettings; credentials: SnowflakeCredentials };
}

/**
 * Compute and edge that can be torn down and redeployed freely: the `api` function and the HTTP API, the WebSocket
 * push API, the prompt fan-out workflow, the scheduler tick, and the event pipeline's consumers (aggregation
 * function, Firehose to the lake) with their alarms.
 */
export class StatelessStack extends Stack {
  readonly service: ApiService;
  readonly httpApi: PublicHttpApi;
  readonly webSocket: PushWebSocketApi;
  readonly fanout: PromptFanout;
  readonly scheduler: RunScheduler;
  readonly aggregator: EventAggregator;
  readonly lakeDelivery: LakeDelivery;
  readonly schedules: ScheduleGroup;
  readonly web: WebHosting;
  readonly operations: Operations;
  readonly snowflakeDelivery?: SnowflakeDelivery;
  readonly warehouseMaterializer: WarehouseMaterializer;
  readonly workspacePurge: WorkspacePurge;
  /** The Action Hub's bus, CRM delivery and engine functions. */
  readonly actionSync: ActionSync;

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    const alarmTopic = props.alarmNotifications === false ? undefined : props.alarms.topic;

    this.service = new ApiService(this, 'ApiService', {
      table: props.table,
      eventStream: props.eventStream,
      lake: props.lake,
      users: props.users,
      logRetention: props.logRetention,
      ...(props.snowflake ? { snowflake: props.snowflake } : {}),
    });
    this.httpApi = new PublicHttpApi(this, 'HttpApi', {
      handler: this.service.handler.function,
      routeGroups: (Object.keys(API_ROUTE_GROUPS) as ApiRouteGroup[]).map((name) => ({
        name,
        handler: this.service.routeGroupHandlers[name].function,
        routes: API_ROUTE_GROUPS[name],
      })),
      users: props.users,
      allowedOrigins: props.webOrigins,
      logRetention: props.logRetention,
      rateLimit: props.apiRateLimit,
      burstLimit: props.apiBurstLimit,
    });

    this.webSocket = new PushWebSocketApi(this, 'WebSocketApi', {
      table: props.table,
      users: props.users,
      logRetention: props.logRetention,
      rateLimit: props.apiRateLimit,
      burstLimit: props.apiBurstLimit,
    });

    // The prompt fan-out workflow and the scheduler hold no data: their state is in the table and the lake.
    this.fanout = new PromptFanout(this, 'PromptFanout', {
      table: props.table,
      lake: props.lake,
      providerKeys: props.providerKeys,
      logRetention: props.logRetention,
      push: this.webSocket,
      eventStream: props.eventStream,
      ...(props.providerConcurrency ? { providerConcurrency: props.providerConcurrency } : {}),
      ...(props.askReservedConcurrency ? { askReservedConcurrency: props.askReservedConcurrency } : {}),
    });
    this.fanout.grantStartRuns(this.service.handler.function);
    this.schedules = new ScheduleGroup(this, 'Schedules');
    const connectorIngest = new ConnectorIngest(this, 'ConnectorIngest', {
      schedules: this.schedules,
      table: props.table,
      eventStream: props.eventStream,
      logRetention: props.logRetention,
      api: this.service.connectors.function,
      ...(props.connectorKeys ? { connectorKeys: props.connectorKeys } : {}),
    });
    const actionSync = new ActionSync(this, 'ActionSync', {
      table: props.table,
      eventStream: props.eventStream,
      logRetention: props.logRetention,
      api: this.service.actions.function,
      webSocket: this.webSocket,
    });
    this.actionSync = actionSync;
    new ModelCatalogueRefresh(this, 'ModelCatalogue', {
      table: props.table,
      providerKeys: props.providerKeys,
      logRetention: props.logRetention,
      schedules: this.schedules,
      serial: props.serialJobs ?? false,
    });
    // Deleted workspaces whose grace period ended are purged hourly (resumable; docs/runbook.md, Tenant lifecycle).
    this.workspacePurge = new WorkspacePurge(this, 'WorkspacePurge', {
      table: props.table,
      lake: props.lake,
      users: props.users,
      schedules: this.schedules,
      logRetention: props.logRetention,
      ...(props.snowflake ? { snowflake: props.snowflake } : {}),
    });
    // Re-analysis: brand changes (the API) and the sweep start jobs; Finish re-judges actions on the action bus.
    const reanalysis = new Reanalysis(this, 'Reanalysis', {
      table: props.table,
      lake: props.lake,
      eventStream: props.eventStream,
      logRetention: props.logRetention,
      schedules: this.schedules,
      push: this.webSocket,
      starters: [this.service.handler.function],
    });
    actionSync.bus.grantPutEventsTo(reanalysis.handler.function);
    // Every function that builds the integration or connector repositories seals and opens tenant secrets.
    grantTenantSecretsKey(props.alarms.key, [
      this.service.actions,
      this.service.connectors,
      actionSync.deliver,
      actionSync.engine,
      actionSync.daily,
      connectorIngest.handler,
      reanalysis.handler,
    ]);
    reanalysis.handler.function.addEnvironment('ACTION_BUS_NAME', actionSync.bus.eventBusName);
    this.scheduler = new RunScheduler(this, 'Scheduler', {
      table: props.table,
      fanout: this.fanout,
      logRetention: props.logRetention,
      schedules: this.schedules,
      serial: props.serialJobs ?? false,
    });

    // The event pipeline: stream -> aggregation consumer (rollups) and stream -> Firehose (lake).
    this.aggregator = new EventAggregator(this, 'EventAggregator', {
      table: props.table,
      eventStream: props.eventStream,
      logRetention: props.logRetention,
      ...(alarmTopic ? { alarmTopic } : {}),
    });
    // Signal swings found while aggregating become metric.alert events on the stream and a push to the browsers.
    const aggregateFn = this.aggregator.handler.function;
    aggregateFn.addEnvironment('EVENT_STREAM_NAME', props.eventStream.stream.streamName);
    props.eventStream.grantWrite(aggregateFn);
    this.webSocket.grantPush(aggregateFn);
    // Pushing finds connections gone (410) and deletes their records, which the tenant upsert grant leaves out.
    props.table.grantTenantItemDeletes(aggregateFn);
    this.lakeDelivery = new LakeDelivery(this, 'LakeDelivery', {
      eventStream: props.eventStream,
      lake: props.lake,
      logRetention: props.logRetention,
      ...(alarmTopic ? { alarmTopic } : {}),
    });
    this.warehouseMaterializer = new WarehouseMaterializer(this, 'WarehouseMaterializer', {
      lake: props.lake,
      logRetention: props.logRetention,
      serial: props.serialJobs ?? false,
      ...(props.snowflake ? { snowflake: props.snowflake } : {}),
    });
    if (props.snowflake) {
      this.snowflakeDelivery = new SnowflakeDelivery(this, 'SnowflakeDelivery', {
        settings: props.snowflake.settings,
        credentials: props.snowflake.credentials,
        eventStream: props.eventStream,
        lake: props.lake,
        logRetention: props.logRetention,
        ...(alarmTopic ? { alarmTopic } : {}),
      });
      // The events table exists (the deploy-time migration) before Firehose starts writing into it.
      const schema = this.warehouseMaterializer.schema;
      if (schema) this.snowflakeDelivery.deliveryStream.node.addDependency(schema);
    }

    // The SPA: S3 + CloudFront, with /config.json pointing at this stage's API, WebSocket and user pool.
    const region = Stack.of(this).region;
    this.web = new WebHosting(this, 'Web', {
      ...(props.customDomain ? { customDomain: props.customDomain } : {}),
      clientConfig: {
        apiBaseUrl: this.httpApi.url.replace(/\/$/, ''),
        websocketUrl: this.webSocket.url,
        auth: {
          authority: props.users.issuerUrl,
          clientId: props.users.webClient.userPoolClientId,
          scope: 'openid email profile',
          logoutUrl: `${props.users.hostedUiUrl}/logout`,
        },
        environment: 'aws',
      },
      connectOrigins: [
        `https://*.execute-api.${region}.amazonaws.com`,
        `wss://*.execute-api.${region}.amazonaws.com`,
        `https://cognito-idp.${region}.amazonaws.com`,
        `https://*.auth.${region}.amazoncognito.com`,
      ],
      signInOrigins: [`https://*.auth.${region}.amazoncognito.com`],
      logRetention: props.logRetention,
      ...(props.dataRemovalPolicy ? { removalPolicy: props.dataRemovalPolicy } : {}),
    });

    // Dashboard and alarms for everything in this stack, including constructs added below (discovered at synthesis).
    this.operations = new Operations(this, 'Operations', {
      httpApi: this.httpApi.api,
      ...(alarmTopic ? { alarmTopic } : {}),
      metricsNamespace: props.metricsNamespace ?? 'PromptPulse',
      spendCapAlarmThreshold: props.spendCapAlarmThreshold ?? 1,
      alreadyAlarmedQueues: [this.aggregator.onFailureQueue],
      // A failing token trigger blocks every sign-in; it lives with the user pool (stateful), so it is passed in.
      signInTrigger: props.users.tokenTrigger,
      level: props.monitoring ?? 'full',
    });

    new CfnOutput(this, 'ApiUrl', { value: this.httpApi.url });
    new CfnOutput(this, 'WebSocketUrl', { value: this.webSocket.url });
    new CfnOutput(this, 'StateMachineArn', { value: this.fanout.stateMachine.stateMachineArn });
    new CfnOutput(this, 'AggregateOnFailureQueueUrl', { value: this.aggregator.onFailureQueue.queueUrl });
    new CfnOutput(this, 'LakeDeliveryStreamName', { value: this.lakeDelivery.deliveryStream.ref });
    new CfnOutput(this, 'WebUrl', { value: this.web.url });
    // Where the custom domain's DNS record (CNAME, or an alias A/AAAA record in Route 53) must point.
    new CfnOutput(this, 'WebDistributionDomainName', { value: this.web.distribution.distributionDomainName });
    if (this.operations.dashboard) {
      new CfnOutput(this, 'DashboardName', { value: this.operations.dashboard.dashboardName });
    }
    new CfnOutput(this, 'ScheduleGroupName', { value: this.schedules.group.scheduleGroupName });
  }
}
