import { createHash } from 'node:crypto';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { localDynamoClient } from '../../../local/emulators/dynamodb.ts';
import { localS3Client } from '../../../local/emulators/s3.ts';
import { RESOURCE_NAMES } from '../../../shared/infra/resources.ts';

// Partitions that legitimately change without a tenant's data changing. Operational partitions a request may write without storing tenant data: live WebSocket connections and the API's
// per-tenant rate-limit counters (fixed windows with a TTL; every request, refused or not, counts).
const VOLATILE_PARTITIONS = ['#WSCONN', '#RATE'];

export interface TenantFingerprint {
  /** sha256 over every stored item (DynamoDB) and object key + size (S3) of the tenant. */
  hash: string;
  items: number;
  objects: number;
  /** The stable serialisations the hash is over (to show what changed when two fingerprints differ). */
  entries: string[];
}

/** What appeared in and disappeared from a tenant between two fingerprints (for assertion messages). */
export function fingerprintDiff(before: TenantFingerprint, after: TenantFingerprint): string {
  const was = new Set(before.entries);
  const is = new Set(after.entries);
  const added = after.entries.filter((e) => !was.has(e)).map((e) => `+ ${e.slice(0, 300)}`);
  const removed = before.entries.filter((e) => !is.has(e)).map((e) => `- ${e.slice(0, 300)}`);
  return [...removed, ...added].slice(0, 10).join('\n');
}

/** Waits until the tenant's fingerprint stops changing (a run's events still reaching the lake and rollups). */
export async function settledFingerprint(
  endpoints: { dynamodb: string; s3: string },
  tenantId: string,
  quietMs = 2500,
): Promise<TenantFingerprint> {
  let last = await tenantFingerprint(endpoints, tenantId);
  for (let i = 0; i < 40; i++) {
    await new Promise((r) => setTimeout(r, quietMs));
    const next = await tenantFingerprint(endpoints, tenantId);
    if (next.hash === last.hash) return next;
    last = next;
  }
  return last;
}

/**
 * Everything a tenant has stored, reduced to one hash: every DynamoDB item whose key begins with the tenant id and
 * every lake object under `tenants/<id>/`. Equal fingerprints before and after a barrage of bad requests prove
 * nothing was stored. A full scan is fine on the emulator; production code never scans.
 */
export async function tenantFingerprint(
  endpoints: { dynamodb: string; s3: string },
  tenantId: string,
): Promise<TenantFingerprint> {
  const db = DynamoDBDocumentClient.from(localDynamoClient(endpoints.dynamodb));
  const s3 = localS3Client(endpoints.s3);
  try {
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await db.send(
        new ScanCommand({
          TableName: RESOURCE_NAMES.table,
          FilterExpression: 'begins_with(pk, :tenant)',
          ExpressionAttributeValues: { ':tenant': `${tenantId}#` },
          ExclusiveStartKey: start,
        }),
      );
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    const kept = items
      .filter((item) => !VOLATILE_PARTITIONS.some((p) => String(item.pk).endsWith(p)))
      .map((item) => stableJson(item))
      .sort();
    const objects: string[] = [];
    let token: string | undefined;
    do {
      const page = await s3.send(
        new ListObjectsV2Command({
          Bucket: RESOURCE_NAMES.lakeBucket,
          Prefix: `tenants/${tenantId}/`,
          ContinuationToken: token,
        }),
      );
      objects.push(...(page.Contents ?? []).map((o) => `${o.Key}:${o.Size}`));
      token = page.NextContinuationToken;
    } while (token);
    objects.sort();
    const hash = createHash('sha256')
      .update(JSON.stringify([kept, objects]))
      .digest('hex');
    return { hash, items: kept.length, objects: objects.length, entries: [...kept, ...objects] };
  } finally {
    db.destroy();
    s3.destroy();
  }
}

function stableJson(value: unknown): string {
  if (value instanceof Set) return stableJson([...value].sort());
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'undefined';
}
