import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { LAKE_RETENTION_RULES } from '../../shared/infra/lake-retention-rules.ts';

/**
 * The data lake bucket (canonical events, raw AI answers, raw signals; every key starts with the tenant id)
 * plus the bucket receiving its server access logs.
 *
 * Both buckets: S3-managed encryption, TLS-only bucket policy, all public access blocked, ACLs disabled, RETAIN.
 * The lake is versioned so an overwritten or deleted raw answer can be recovered. Access is granted by the
 * constructs of its producers and readers (Firehose, analysis functions), prefix by prefix, as they arrive.
 */
export interface LakeBucketProps {
  /** DESTROY (dev) deletes the buckets with the stack, once emptied by hand. @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
}

export class LakeBucket extends Construct {
  readonly bucket: s3.Bucket;
  readonly accessLogsBucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: LakeBucketProps = {}) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;

    this.accessLogsBucket = new s3.Bucket(this, 'AccessLogs', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy,
      lifecycleRules: [{ id: 'expire-access-logs', expiration: Duration.days(365) }],
    });
    Validations.of(this.accessLogsBucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'This bucket is the server-access-log destination of the lake bucket; logging it to itself would loop ' +
        'and logging it elsewhere only moves the question one bucket further.',
    });

    this.bucket = new s3.Bucket(this, 'Bucket', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      serverAccessLogsBucket: this.accessLogsBucket,
      serverAccessLogsPrefix: 'lake/',
      removalPolicy,
      lifecycleRules: [
        { id: 'expire-old-versions', noncurrentVersionExpiration: Duration.days(90) },
        { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(7) },
        // Workspace retention of raw answers: one rule per allowed choice, matching the tag each raw answer is stored
        // with (shared/infra/lake-retention-rules.ts; the local stack's sweeper applies the same list). The bucket is
        // versioned, so expiring adds a delete marker; the old version goes a day later, not after 90.
        ...LAKE_RETENTION_RULES.map((rule) => ({
          id: rule.id,
          prefix: rule.prefix,
          tagFilters: { [rule.tag.key]: rule.tag.value },
          expiration: Duration.days(rule.expirationDays),
          noncurrentVersionExpiration: Duration.days(1),
        })),
      ],
    });
  }
}
