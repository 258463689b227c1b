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
  // First in the chain, so it sees the PUT's outcome after s3rver's router stored the object.
  server.middleware.unshift(objectTaggingOnPut(server.store));
  await server.run();
  return { endpoint: `http://127.0.0.1:${port}`, stop: () => server.close() };
}

/** The tags of an `x-amz-tagging` header (URL query form, as PutObject sends it), in S3's Tagging XML. */
export function taggingXml(header: string): string {
  const xmlEscape = (text: string) =>
    text.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c] ?? c);
  const tags = [...new URLSearchParams(header)].map(
    ([key, value]) => `<Tag><Key>${xmlEscape(key)}</Key><Value>${xmlEscape(value)}</Value></Tag>`,
  );
  return `<Tagging><TagSet>${tags.join('')}</TagSet></Tagging>`;
}

interface S3rverStore {
  putSubresource(
    bucket: string,
    key: string,
    resource: { type: string; toXML(indent?: number): string },
  ): Promise<void>;
  deleteSubresource(bucket: string, key: string, type: string): Promise<void>;
}

/**
 * s3rver stores an object's tags only through PutObjectTagging and ignores PutObject's `x-amz-tagging` header. S3
 * stores them with the object (and a PUT without the header leaves the new object untagged), and the lake's retention
 * rules match on them, so this middleware does what S3 does after a successful plain PUT (not a copy, not a part).
 */
function objectTaggingOnPut(store: S3rverStore) {
  return async (
    ctx: { method: string; path: string; querystring: string; status: number; headers: Record<string, string> },
    next: () => Promise<void>,
  ) => {
    await next();
    // A plain PUT: no subresource or part in the query (the SDK adds only `x-id=PutObject`), not a copy.
    const query = [...new URLSearchParams(ctx.querystring).keys()].filter((name) => name !== 'x-id');
    if (ctx.method !== 'PUT' || ctx.status !== 200 || query.length > 0 || ctx.headers['x-amz-copy-source']) return;
    const [, bucket, ...rest] = ctx.path.split('/');
    if (!bucket || rest.length === 0) return;
    const key = decodeURIComponent(rest.join('/'));
    const header = ctx.headers['x-amz-tagging'];
    if (header) {
      const xml = taggingXml(header);
      await store.putSubresource(bucket, key, { type: 'tagging', toXML: () => xml });
    } else {
      await store.deleteSubresource(bucket, key, 'tagging').catch(() => undefined);
    }
  };
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
