import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import { Construct } from 'constructs';

/**
 * The Kinesis data stream carrying canonical CloudEvents to the lake, the aggregators and the live push, encrypted
 * with the AWS managed key. Provisioned with a fixed shard count where the stage's volume is known to fit (one shard
 * takes 1 MB/s or 1,000 records/s in and five reads/s, enough for the three consumers polling once a second; $10.95
 * a month), on-demand otherwise (no shard planning while traffic is unknown; $29.20 a month before any data).
 * docs/cost.md compares the two.
 */
export interface EventStreamProps {
  /** @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * How long records stay readable: what the consumers' maximum record age, a replay after an incident and Firehose's
   * catch-up after a lake or Snowflake outage can reach back to. @default 24 hours
   */
  readonly retention?: Duration;
  /** Provisioned shards; 0 for on-demand capacity. @default 0 */
  readonly shards?: number;
}

export class EventStream extends Construct {
  readonly stream: kinesis.Stream;
  readonly retention: Duration;

  constructor(scope: Construct, id: string, props: EventStreamProps = {}) {
    super(scope, id);
    this.retention = props.retention ?? Duration.hours(24);
    this.stream = new kinesis.Stream(this, 'Stream', {
      ...(props.shards
        ? { streamMode: kinesis.StreamMode.PROVISIONED, shardCount: props.shards }
        : { streamMode: kinesis.StreamMode.ON_DEMAND }),
      encryption: kinesis.StreamEncryption.MANAGED,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
      retentionPeriod: this.retention,
    });
  }

  /** PutRecord/PutRecords only, for producers of canonical events. */
  grantWrite(grantee: iam.IGrantable): iam.Grant {
    return this.stream.grantWrite(grantee);
  }

  /** `kinesis:PutRecords` only: what the batching publisher (`KinesisEventPublisher`) calls. */
  grantPutRecords(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['kinesis:PutRecords'],
      resourceArns: [this.stream.streamArn],
    });
  }
}
