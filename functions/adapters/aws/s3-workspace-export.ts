import { PassThrough, Readable } from 'node:stream';
import { createGzip } from 'node:zlib';
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { type DynamoDBDocumentClient, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { pack } from 'tar-stream';
import type { TenantId } from '#shared/domain/workspace.ts';
import type { AuditRecord } from '#shared/ports/audit.ts';
import type { ArchiveEntry, ArchiveSink, WorkspaceExportSource } from '#shared/ports/workspace-export.ts';
import { auditPut } from './dynamodb-support.ts';

/** Where exports are written: under the tenant's prefix, so a workspace purge removes them too. */
export const exportKey = (tenantId: string, exportId: string) => `tenants/${tenantId}/exports/${exportId}.tar.gz`;

/**
 * The export's sources: table items found by key prefix (every tenant key starts with `<tenantId>#`) and objects under
 * `tenants/<tenantId>/` (earlier exports left out).
 */
export class AwsWorkspaceExportSource implements WorkspaceExportSource {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly s3: S3Client,
    private readonly bucket: string,
  ) {}

  async *itemPages(tenantId: TenantId): AsyncIterable<Record<string, unknown>[]> {
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new ScanCommand({
          TableName: this.tableName,
          FilterExpression: 'begins_with(pk, :prefix)',
          ExpressionAttributeValues: { ':prefix': `${tenantId}#` },
          ExclusiveStartKey: start,
        }),
      );
      if (page.Items?.length) yield page.Items;
      start = page.LastEvaluatedKey;
    } while (start);
  }

  async *objects(tenantId: TenantId): AsyncIterable<{ key: string; size: number }> {
    const exports = `tenants/${tenantId}/exports/`;
    let token: string | undefined;
    do {
      const page = await this.s3.send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix: `tenants/${tenantId}/`, ContinuationToken: token }),
      );
      for (const object of page.Contents ?? []) {
        if (object.Key && !object.Key.startsWith(exports)) yield { key: object.Key, size: object.Size ?? 0 };
      }
      token = page.NextContinuationToken;
    } while (token);
  }

  async openObject(key: string): Promise<AsyncIterable<Uint8Array>> {
    const result = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
    return result.Body as unknown as AsyncIterable<Uint8Array>;
  }
}

/**
 * A gzip'd tar streamed straight into a multipart upload: tar entries → gzip → 5 MiB parts, one part in flight, so
 * memory stays at a few parts whatever the archive's size.
 */
export class S3TarGzArchive implements ArchiveSink {
  private readonly tar = pack();
  private readonly upload: Upload;
  private readonly done: Promise<unknown>;
  private bytes = 0;

  constructor(
    s3: S3Client,
    bucket: string,
    private readonly key: string,
  ) {
    const body = new PassThrough();
    body.on('data', (chunk: Buffer) => {
      this.bytes += chunk.length;
    });
    this.tar.pipe(createGzip()).pipe(body);
    this.upload = new Upload({
      client: s3,
      params: { Bucket: bucket, Key: key, Body: body, ContentType: 'application/gzip' },
      queueSize: 1,
      partSize: 5 * 1024 * 1024,
    });
    this.done = this.upload.done();
    this.done.catch(() => null);
  }

  async add(entry: ArchiveEntry): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      const sink = this.tar.entry({ name: entry.name, size: entry.size }, (error) =>
        error ? reject(error) : resolve(),
      );
      Readable.from(entry.body).on('error', reject).pipe(sink);
    });
  }

  async finish(): Promise<{ key: string; bytes: number }> {
    this.tar.finalize();
    await this.done;
    return { key: this.key, bytes: this.bytes };
  }

  async abort(): Promise<void> {
    this.tar.destroy();
    await this.upload.abort();
  }
}

/** A download link to an export, valid for 15 minutes. */
export function exportDownloadUrl(s3: S3Client, bucket: string, key: string): Promise<string> {
  return getSignedUrl(s3, new GetObjectCommand({ Bucket: bucket, Key: key }), { expiresIn: 900 });
}

/** Writes one audit entry outside a transaction (the export changes nothing else). */
export function auditWriter(db: DynamoDBDocumentClient, tableName: string, tenantId: TenantId) {
  return async (record: AuditRecord) => {
    await db.send(new PutCommand(auditPut(tableName, tenantId, record).Put));
  };
}
