import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { BaseConfig } from '../../config.ts';

/**
 * AWS SDK clients, built once per cold start from config. Endpoints come from config so the very same code
 * talks to DynamoDB in AWS and to DynamoDB Local on a laptop.
 */
export function createDocumentClient(config: Pick<BaseConfig, 'AWS_REGION' | 'DYNAMODB_ENDPOINT'>) {
  const client = new DynamoDBClient({
    region: config.AWS_REGION,
    ...(config.DYNAMODB_ENDPOINT ? { endpoint: config.DYNAMODB_ENDPOINT } : {}),
    maxAttempts: 4,
  });
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
}

export function createS3Client(config: Pick<BaseConfig, 'AWS_REGION' | 'S3_ENDPOINT'>) {
  return new S3Client({
    region: config.AWS_REGION,
    // Path-style addressing for s3rver; harmless in AWS.
    ...(config.S3_ENDPOINT ? { endpoint: config.S3_ENDPOINT, forcePathStyle: true } : {}),
  });
}

export function createSfnClient(config: { AWS_REGION: string; SFN_ENDPOINT?: string | undefined }) {
  return new SFNClient({
    region: config.AWS_REGION,
    ...(config.SFN_ENDPOINT ? { endpoint: config.SFN_ENDPOINT } : {}),
  });
}
