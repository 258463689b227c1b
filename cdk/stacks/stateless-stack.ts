import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { ApiService } from '../constructs/api-service.ts';
import type { DataTable } from '../constructs/data-table.ts';
import type { EventStream } from '../constructs/event-stream.ts';
import { PublicHttpApi } from '../constructs/http-api.ts';
import type { LakeBucket } from '../constructs/lake-bucket.ts';
import type { UserDirectory } from '../constructs/user-directory.ts';
import { PushWebSocketApi } from '../constructs/websocket-api.ts';

export interface StatelessStackProps extends StackProps {
  readonly table: DataTable;
  readonly eventStream: EventStream;
  readonly lake: LakeBucket;
  readonly users: UserDirectory;
  readonly webOrigins: string[];
  readonly logRetention: logs.RetentionDays;
  readonly apiRateLimit: number;
  readonly apiBurstLimit: number;
}

/** Compute and edge that can be torn down and redeployed freely: the `api` function and the HTTP API. */
export class StatelessStack extends Stack {
  readonly service: ApiService;
  readonly httpApi: PublicHttpApi;
  readonly webSocket: PushWebSocketApi;

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

    new CfnOutput(this, 'ApiUrl', { value: this.httpApi.url });
    new CfnOutput(this, 'WebSocketUrl', { value: this.webSocket.url });
  }
}
