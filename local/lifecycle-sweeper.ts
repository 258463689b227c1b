import { DeleteObjectsCommand, GetObjectTaggingCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { BatchWriteCommand, type DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { LakeLifecycleRule } from '#shared/infra/lake-retention-rules.ts';
import { TABLE_SCHEMA } from '#shared/infra/resources.ts';

/**
 * What S3 lifecycle rules and DynamoDB TTL do in AWS, for the local stack: s3rver never expires objects and DynamoDB
 * Local never deletes expired items. Both sweeps read the same definitions as AWS (the bucket's rules from
 * shared/infra/lake-retention-rules.ts, the table's TTL attribute from TABLE_SCHEMA) and run on a timer in
 * local/stack.ts. Like AWS, they delete some time after expiry, never before it.
 */

/** Deletes the objects a rule has expired: under its prefix, carrying its tag, created more than its days ago. */
export async function sweepLakeLifecycle(input: {
  s3: S3Client;
  bucket: string;
  rules: readonly LakeLifecycleRule[];
  now: Date;
}): Promise<{ examined: number; expired: number }> {
  const { s3, bucket, rules, now } = input;
  let examined = 0;
  let expired = 0;
  for (const prefix of new Set(rules.map((r) => r.prefix))) {
    const mine = rules.filter((r) => r.prefix === prefix);
    const shortest = Math.min(...mine.map((r) => r.expirationDays));
    let token: string | undefined;
    do {
      const page = await s3.send(
        new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
      );
      const doomed: { Key: string }[] = [];
      for (const object of page.Contents ?? []) {
        if (!object.Key || !object.LastModified) continue;
        examined++;
        const ageDays = (now.getTime() - object.LastModified.getTime()) / 86_400_000;
        // No rule can have expired an object younger than the shortest rule: skip its tag read.
        if (ageDays < shortest) continue;
        const { TagSet } = await s3.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: object.Key }));
        const rule = mine.find((r) => TagSet?.some((t) => t.Key === r.tag.key && t.Value === r.tag.value));
        if (rule && ageDays >= rule.expirationDays) doomed.push({ Key: object.Key });
      }
      if (doomed.length > 0) {
        const result = await s3.send(
          new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: doomed, Quiet: true } }),
        );
        expired += doomed.length - (result.Errors?.length ?? 0);
      }
      token = page.NextContinuationToken;
    } while (token);
  }
  return { examined, expired };
}

/** Deletes the items whose TTL attribute (epoch seconds) is in the past, as DynamoDB's TTL does in AWS. */
export async function sweepExpiredItems(input: {
  db: DynamoDBDocumentClient;
  tableName: string;
  now: Date;
  /** Only items whose partition key starts with this (tests sweep their own tenant). @default - every item */
  keyPrefix?: string;
}): Promise<{ expired: number }> {
  const { db, tableName, now, keyPrefix } = input;
  const attribute = TABLE_SCHEMA.ttlAttribute;
  let expired = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const page = await db.send(
      new ScanCommand({
        TableName: tableName,
        FilterExpression: keyPrefix ? '#ttl < :now AND begins_with(pk, :prefix)' : '#ttl < :now',
        ProjectionExpression: 'pk, sk',
        ExpressionAttributeNames: { '#ttl': attribute },
        ExpressionAttributeValues: {
          ':now': Math.floor(now.getTime() / 1000),
          ...(keyPrefix ? { ':prefix': keyPrefix } : {}),
        },
        ExclusiveStartKey: start,
      }),
    );
    const keys = (page.Items ?? []) as { pk: string; sk: string }[];
    for (let i = 0; i < keys.length; i += 25) {
      let requests = keys.slice(i, i + 25).map((key) => ({ DeleteRequest: { Key: { pk: key.pk, sk: key.sk } } }));
      for (let attempt = 0; requests.length > 0 && attempt < 5; attempt++) {
        const result = await db.send(new BatchWriteCommand({ RequestItems: { [tableName]: requests } }));
        const left = (result.UnprocessedItems?.[tableName] ?? []) as typeof requests;
        expired += requests.length - left.length;
        requests = left;
      }
    }
    start = page.LastEvaluatedKey;
  } while (start);
  return { expired };
}
