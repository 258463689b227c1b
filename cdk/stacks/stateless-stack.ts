import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { AlarmTopic } from '../constructs/alarm-topic.ts';
import { ApiService } from '../constructs/api-service.ts';
import type { DataTable } from '../constructs/data-table.ts';
import { EventAggregator } from '../constructs/event-aggregator.ts';
import type { EventStream } from '../constructs/event-stream.ts';
import { PublicHttpApi } from '../constructs/http-api.ts';
import type { LakeBucket } from '../constructs/lake-bucket.ts';
import { LakeDelivery } from '../constructs/lake-delivery.ts';
import { PromptFanout } from '../constructs/prompt-fanout.ts';
import type { ProviderKeys } from '../constructs/provider-keys.ts';
import { RunScheduler } from '../constructs/run-scheduler.ts';
import type { UserDirectory } from '../constructs/user-directory.ts';
import { PushWebSocketApi } from '../constructs/websocket-api.ts';

export interface StatelessStackProps extends StackProps {
  readonly table: DataTable;
  readonly eventStream: EventStream;
  readonly lake: LakeBucket;
  readonly users: UserDirectory;
  /** The AI providers' keys secret (stateful: operators put the keys by hand). */
  readonly providerKeys: ProviderKeys;
  /** Where every alarm notifies (stateful: operators subscribe to it). */
  readonly alarms: AlarmTopic;
  readonly webOrigins: string[];
  readonly logRetention: logs.RetentionDays;
  readonly apiRateLimit: number;
  readonly apiBurstLimit: number;
  /** `PROVIDER_CONCURRENCY` of the fan-out steps. @default - the workflow's defaults */
  readonly providerConcurrency?: string;
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

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);

    this.service = new ApiService(this, 'ApiService', {
      table: props.table,
      eventStream: props.eventStream,
      lake: props.lake,
      users: props.users,
      logRetention: props.logRetention,
    });
    this.httpApi = new PublicHttpApi(this, 'HttpApi', {
      handler: this.service.handler.function,
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
    });
    this.fanout.grantStartRuns(this.service.handler.function);
    this.scheduler = new RunScheduler(this, 'Scheduler', {
      table: props.table,
      fanout: this.fanout,
      logRetention: props.logRetention,
    });

    // The event pipeline: stream -> aggregation consumer (rollups) and stream -> Firehose (lake).
    this.aggregator = new EventAggregator(this, 'EventAggregator', {
      table: props.table,
      eventStream: props.eventStream,
      logRetention: props.logRetention,
      alarmTopic: props.alarms.topic,
    });
    this.lakeDelivery = new LakeDelivery(this, 'LakeDelivery', {
      eventStream: props.eventStream,
      lake: props.lake,
      logRetention: props.logRetention,
      alarmTopic: props.alarms.topic,
    });

    new CfnOutput(this, 'ApiUrl', { value: this.httpApi.url });
    new CfnOutput(this, 'WebSocketUrl', { value: this.webSocket.url });
    new CfnOutput(this, 'StateMachineArn', { value: this.fanout.stateMachine.stateMachineArn });
    new CfnOutput(this, 'AggregateOnFailureQueueUrl', { value: this.aggregator.onFailureQueue.queueUrl });
    new CfnOutput(this, 'LakeDeliveryStreamName', { value: this.lakeDelivery.deliveryStream.ref });
  }
}
