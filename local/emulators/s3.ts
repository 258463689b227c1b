import { mkdirSync } from 'node:fs';
import { CreateBucketCommand, HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
// @ts-expect-error s3rver ships no type declarations
import S3rver from 's3rver';
import { RESOURCE_NAMES } from '#shared/infra/resources.ts';

export interface S3Local {
  endpoint: string;
  stop(): Promise<void>;
}

/** Starts s3rver with its files under `directory` (a temp dir when ephemeral). */
export async function startS3Local(port: number, directory: string): Promise<S3Local> {
  mkdirSync(directory, { recursive: true });
  const server = new S3rver({ address: '127.0.0.1', port, directory, silent: true, resetOnClose: false });
  await server.run();
  return { endpoint: `http://127.0.0.1:${port}`, stop: () => server.close() };
}

export function localS3Client(endpoint: string): S3Client {
  return new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  });
}

/** Creates the lake bucket if absent. */
export async function ensureLakeBucket(endpoint: string, bucket: string = RESOURCE_NAMES.lakeBucket): Promise<void> {
  const client = localS3Client(endpoint);
  try {
    const exists = await client
      .send(new HeadBucketCommand({ Bucket: bucket }))
      .then(() => true)
      .catch(() => false);
    if (!exists) await client.send(new CreateBucketCommand({ Bucket: bucket }));
  } finally {
    client.destroy();
  }
}
