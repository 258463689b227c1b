import { GetObjectCommand, NoSuchKey, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { RETENTION_TAG_KEY, type RetentionChoice, retentionTagValue } from '#shared/domain/retention.ts';
import type { RawAnswerStore } from '#shared/ports/runs.ts';

/** Raw provider answers as JSON objects in the lake bucket (keys are tenant-prefixed by the caller). */
export class S3RawAnswerStore implements RawAnswerStore {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
  ) {}

  async put(key: string, body: unknown, options: { retention?: RetentionChoice } = {}): Promise<void> {
    // The tag is written with the object (one call: never an untagged raw answer under a retention setting); the
    // lake's lifecycle rules (shared/infra/lake-retention-rules.ts) expire it. `keep` is tagged too, for the record.
    const retention = options.retention ?? 'keep';
    await this.s3.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Body: JSON.stringify(body),
        ContentType: 'application/json',
        Tagging: new URLSearchParams({ [RETENTION_TAG_KEY]: retentionTagValue(retention) }).toString(),
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
