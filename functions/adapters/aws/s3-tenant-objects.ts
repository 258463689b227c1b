import { DeleteObjectsCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import type { TenantId } from '#shared/domain/workspace.ts';
import type { TenantObjectStore } from '#shared/ports/tenant-lifecycle.ts';

/** The tenant's objects in the lake bucket: raw answers and lake files, all under `tenants/<tenantId>/`. */
export class S3TenantObjects implements TenantObjectStore {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
    /** Keys per DeleteObjects call (S3 allows 1000). */
    private readonly batchSize = 1000,
  ) {}

  private prefix(tenantId: TenantId) {
    return `tenants/${tenantId}/`;
  }

  async deleteAll(tenantId: TenantId): Promise<number> {
    let deleted = 0;
    for (;;) {
      // Always the first page again: what was deleted is gone, so this walks the prefix without a cursor and
      // resumes naturally after an interruption.
      const page = await this.s3.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: this.prefix(tenantId) }));
      const objects = (page.Contents ?? []).flatMap((o) => (o.Key ? [{ Key: o.Key }] : []));
      if (objects.length === 0) return deleted;
      for (let i = 0; i < objects.length; i += this.batchSize) {
        const batch = objects.slice(i, i + this.batchSize);
        const result = await this.s3.send(
          new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects: batch, Quiet: true } }),
        );
        if (result.Errors?.length) throw new Error(`S3 refused to delete ${result.Errors.length} object(s)`);
        deleted += batch.length;
      }
    }
  }

  async countAll(tenantId: TenantId): Promise<number> {
    let count = 0;
    let token: string | undefined;
    do {
      const page = await this.s3.send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix: this.prefix(tenantId), ContinuationToken: token }),
      );
      count += page.KeyCount ?? page.Contents?.length ?? 0;
      token = page.NextContinuationToken;
    } while (token);
    return count;
  }
}
