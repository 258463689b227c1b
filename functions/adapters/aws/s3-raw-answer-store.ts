import { GetObjectCommand, NoSuchKey, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { RawAnswerStore } from '#shared/ports/runs.ts';

/** Raw provider answers as JSON objects in the lake bucket (keys are tenant-prefixed by the caller). */
export class S3RawAnswerStore implements RawAnswerStore {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
  ) {}

  async put(key: string, body: unknown): Promise<void> {
    await this.s3.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Body: JSON.stringify(body),
        ContentType: 'application/json',
      }),
    );
  }

  async get(key: string): Promise<unknown | null> {
    try {
      const result = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      const text = await result.Body?.transformToString('utf8');
      return text ? JSON.parse(text) : null;
    } catch (error) {
      if (error instanceof NoSuchKey || (error as Error).name === 'NoSuchKey') return null;
      throw error;
    }
  }
}
