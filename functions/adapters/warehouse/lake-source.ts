import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { WarehouseError } from '#shared/ports/warehouse.ts';

/**
 * Where the lake is, for the DuckDB warehouse: an S3 bucket (s3rver locally), a directory (the bench, tests) or
 * memory (unit tests). The gzip NDJSON files under `tenants/<t>/events/type=<type>/dt=<YYYY-MM-DD>/` (Firehose's
 * dynamic partitioning on the event's `time`) are the system of record; the compacted Parquet of a tenant/day
 * (`tenants/<t>/serving/v1/dt=<day>/`, see duckdb-lake.ts) is a derived serving copy, rebuilt from them at will.
 */
export interface LakeSource {
  /** Keys under `prefix` that sort after `startAfter` (S3's StartAfter), in key order, a page at a time. */
  list(prefix: string, startAfter?: string): AsyncIterable<string[]>;
  /** The raw bytes of one object. */
  read(key: string): Promise<Uint8Array>;
  /** Writes one object (compacted Parquet); absent = a read-only lake (no compaction). */
  write?(key: string, body: Uint8Array): Promise<void>;
  /** Every tenant with lake files (the compaction visits them all). */
  listTenants?(): Promise<string[]>;
  /** A path on this machine with the object's bytes, when the lake is a local directory (no copy needed). */
  localPath?(key: string): string;
}

export const ANSWER_TYPE = 'promptpulse.answer.analyzed';

/** The prefix of a tenant's `answer.analyzed` lake files (one folder `dt=<day>/` per event day). */
export const answerEventsPrefix = (tenantId: string) => `tenants/${tenantId}/events/type=${ANSWER_TYPE}/`;

/** The prefix of a tenant's compacted Parquet (one folder `dt=<day>/` with three tables and a manifest). */
export const servingPrefix = (tenantId: string) => `tenants/${tenantId}/serving/v1/`;

const DT = /\/dt=(\d{4}-\d{2}-\d{2})\//;

/** The partition day of a key (`…/dt=2026-01-31/…`), or null. */
export function dayOfKey(key: string): string | null {
  return DT.exec(key)?.[1] ?? null;
}

/**
 * Keys under `prefix` whose partition day is within [from, to], grouped by day. The listing starts at `dt=<from>`
 * (S3 StartAfter, so earlier days cost nothing) and stops at the first key after `to`: a query over 30 days of a
 * tenant with years of history lists 30 days of keys.
 */
export async function listDays(
  source: LakeSource,
  prefix: string,
  from: string,
  to: string,
): Promise<Map<string, string[]>> {
  const days = new Map<string, string[]>();
  for await (const page of source.list(prefix, `${prefix}dt=${from}`)) {
    for (const key of page) {
      const day = dayOfKey(key);
      if (!day || day < from) continue;
      if (day > to) return days;
      const keys = days.get(day) ?? [];
      if (keys.length === 0) days.set(day, keys);
      keys.push(key);
    }
  }
  return days;
}

/** The production lake: a bucket, listed and read with the AWS SDK (DuckDB's httpfs is not available offline). */
export function s3LakeSource(s3: S3Client, bucket: string): LakeSource {
  return {
    async *list(prefix, startAfter) {
      let token: string | undefined;
      do {
        const page = await s3.send(
          new ListObjectsV2Command({
            Bucket: bucket,
            Prefix: prefix,
            ...(token ? { ContinuationToken: token } : startAfter ? { StartAfter: startAfter } : {}),
          }),
        );
        yield (page.Contents ?? []).flatMap((o) => (o.Key ? [o.Key] : []));
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
    },
    async listTenants() {
      const tenants: string[] = [];
      let token: string | undefined;
      do {
        const page = await s3.send(
          new ListObjectsV2Command({
            Bucket: bucket,
            Prefix: 'tenants/',
            Delimiter: '/',
            ...(token ? { ContinuationToken: token } : {}),
          }),
        );
        for (const prefix of page.CommonPrefixes ?? []) {
          const tenant = prefix.Prefix?.slice('tenants/'.length, -1);
          if (tenant) tenants.push(tenant);
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
      return tenants;
    },
    async read(key) {
      const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      if (!object.Body) throw new WarehouseError(`lake object ${key} has no body`);
      return object.Body.transformToByteArray();
    },
    async write(key, body) {
      const contentType = key.endsWith('.json') ? 'application/json' : 'application/vnd.apache.parquet';
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType }));
    },
  };
}

/** A lake laid out in a local directory (same keys as paths): the bench, and a lake copied down for analysis. */
export function directoryLakeSource(root: string): LakeSource {
  /** Walks a folder in key order, skipping sub-folders whose keys all sort before `startAfter`. */
  const walk = async (dir: string, rel: string, out: string[], startAfter: string) => {
    let entries: import('node:fs').Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const key = `${rel}${entry.name}`;
      if (entry.isDirectory()) {
        const folder = `${key}/`;
        if (folder < startAfter && !startAfter.startsWith(folder)) continue;
        await walk(join(dir, entry.name), folder, out, startAfter);
      } else out.push(key);
    }
  };
  return {
    async *list(prefix, startAfter) {
      const folder = prefix.endsWith('/') ? prefix : prefix.slice(0, prefix.lastIndexOf('/') + 1);
      const keys: string[] = [];
      await walk(join(root, folder), folder, keys, startAfter ?? '');
      yield keys.filter((k) => k.startsWith(prefix) && (!startAfter || k > startAfter)).sort();
    },
    async listTenants() {
      return (await readdir(join(root, 'tenants')).catch(() => [] as string[])).sort();
    },
    async read(key) {
      return readFile(join(root, key));
    },
    async write(key, body) {
      await mkdir(dirname(join(root, key)), { recursive: true });
      await writeFile(join(root, key), body);
    },
    localPath: (key) => join(root, key),
  };
}
