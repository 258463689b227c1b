import * as z from 'zod';
import type { AnalyticsQueryName, AnalyticsRow } from '#shared/contracts/analytics.ts';
import type { Warehouse, WarehouseScope } from '#shared/ports/warehouse.ts';
import { createS3Client } from '../aws/clients.ts';
import { SNOWFLAKE_DEFAULT_TABLE, SNOWFLAKE_IDENTIFIER } from './snowflake-schema.ts';

/**
 * Which warehouse the API queries: `duckdb` (the lake files, loaded into an embedded DuckDB; the local stack and any
 * environment without Snowflake) or `snowflake`. Read once; a missing variable fails naming it.
 */
const warehouseEnvSchema = z.discriminatedUnion('WAREHOUSE', [
  z.object({
    WAREHOUSE: z.literal('duckdb'),
    AWS_REGION: z.string().min(1).default('us-east-1'),
    S3_ENDPOINT: z.url().optional(),
    LAKE_BUCKET: z.string().min(1),
    /** @default 2000 */
    WAREHOUSE_REFRESH_MS: z.coerce.number().int().min(0).default(2000),
    /** DuckDB's memory_limit (past it DuckDB spills to a temp directory). @default '1GB' */
    WAREHOUSE_MEMORY_LIMIT: z
      .string()
      .regex(/^\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i, 'expected a size such as 1GB')
      .default('1GB'),
  }),
  z
    .object({
      WAREHOUSE: z.literal('snowflake'),
      /** Region of the Secrets Manager secret (Lambda sets it). @default 'us-east-1' */
      AWS_REGION: z.string().min(1).default('us-east-1'),
      /** Account identifier: the host of `https://<account>.snowflakecomputing.com`. */
      SNOWFLAKE_ACCOUNT: z.string().min(1),
      /**
       * AWS: the Secrets Manager secret holding the key pair, in Firehose's format (`snowflake-key.ts`), read on the
       * first query; the user comes from the secret too. No key is ever in the environment.
       */
      SNOWFLAKE_PRIVATE_KEY_SECRET_ARN: z
        .string()
        .regex(/^arn:aws[a-z-]*:secretsmanager:/, 'expected a Secrets Manager secret ARN')
        .optional(),
      /** Local/dev without the secret: the user and its key (PKCS#8, PEM or base64) or a password. */
      SNOWFLAKE_USERNAME: z.string().min(1).optional(),
      SNOWFLAKE_PRIVATE_KEY: z.string().min(1).optional(),
      SNOWFLAKE_PRIVATE_KEY_PASSPHRASE: z.string().min(1).optional(),
      SNOWFLAKE_PASSWORD: z.string().min(1).optional(),
      SNOWFLAKE_WAREHOUSE: z.string().min(1),
      SNOWFLAKE_DATABASE: z.string().min(1),
      /** @default 'PROMPTPULSE' */
      SNOWFLAKE_SCHEMA: z.string().min(1).default('PROMPTPULSE'),
      /** The raw events table Firehose (or Snowpipe) writes. @default 'EVENTS' */
      SNOWFLAKE_TABLE: z
        .string()
        .regex(SNOWFLAKE_IDENTIFIER, 'expected a Snowflake identifier')
        .default(SNOWFLAKE_DEFAULT_TABLE),
      SNOWFLAKE_ROLE: z.string().min(1).optional(),
    })
    .superRefine((env, ctx) => {
      if (env.SNOWFLAKE_PRIVATE_KEY_SECRET_ARN) {
        for (const name of ['SNOWFLAKE_PRIVATE_KEY', 'SNOWFLAKE_PASSWORD'] as const) {
          if (env[name]) {
            ctx.addIssue({
              code: 'custom',
              path: [name],
              message: 'not allowed with SNOWFLAKE_PRIVATE_KEY_SECRET_ARN (the login comes from the secret)',
            });
          }
        }
        return;
      }
      if (!env.SNOWFLAKE_USERNAME) {
        ctx.addIssue({
          code: 'custom',
          path: ['SNOWFLAKE_USERNAME'],
          message: 'required without SNOWFLAKE_PRIVATE_KEY_SECRET_ARN',
        });
      }
      if (!env.SNOWFLAKE_PRIVATE_KEY && !env.SNOWFLAKE_PASSWORD) {
        ctx.addIssue({
          code: 'custom',
          path: ['SNOWFLAKE_PRIVATE_KEY_SECRET_ARN'],
          message: 'set it (AWS), or SNOWFLAKE_PRIVATE_KEY or SNOWFLAKE_PASSWORD (local)',
        });
      }
    }),
]);
export type WarehouseEnv = z.infer<typeof warehouseEnvSchema>;

export function readWarehouseConfig(env: Record<string, string | undefined> = process.env): WarehouseEnv {
  const result = warehouseEnvSchema.safeParse({ ...env, WAREHOUSE: env.WAREHOUSE ?? 'duckdb' });
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => `${i.path.join('.') || 'WAREHOUSE'}: ${i.message}`);
  throw new Error(`Invalid warehouse configuration: ${problems.join('; ')}`);
}

/** Builds the configured adapter; the Snowflake driver is only loaded when it is the one configured. */
export async function createWarehouse(config: WarehouseEnv, log?: (line: string) => void): Promise<Warehouse> {
  if (config.WAREHOUSE === 'snowflake') {
    const { SnowflakeWarehouse } = await import('./snowflake-warehouse.ts');
    return SnowflakeWarehouse.fromConfig(config);
  }
  const { DuckDbWarehouse, s3LakeSource } = await import('./duckdb-warehouse.ts');
  return DuckDbWarehouse.create({
    source: s3LakeSource(createS3Client(config), config.LAKE_BUCKET),
    refreshIntervalMs: config.WAREHOUSE_REFRESH_MS,
    memoryLimit: config.WAREHOUSE_MEMORY_LIMIT,
    ...(log ? { log } : {}),
  });
}

/**
 * A warehouse built on first use: the API cold start stays fast, and a misconfigured warehouse fails only the
 * analytics routes (with a logged reason), not the whole API.
 */
export function lazyWarehouse(build: () => Promise<Warehouse>): Warehouse {
  let instance: Promise<Warehouse> | null = null;
  return {
    async query<N extends AnalyticsQueryName>(name: N, scope: WarehouseScope): Promise<AnalyticsRow<N>[]> {
      instance ??= build().catch((error: unknown) => {
        instance = null;
        throw error;
      });
      return (await instance).query(name, scope);
    },
    async materialize(throughDay: string) {
      instance ??= build().catch((error: unknown) => {
        instance = null;
        throw error;
      });
      const warehouse = await instance;
      if (!warehouse.materialize) throw new Error('this warehouse has no derived tables to materialize');
      return warehouse.materialize(throughDay);
    },
    async migrate() {
      instance ??= build().catch((error: unknown) => {
        instance = null;
        throw error;
      });
      await (await instance).migrate?.();
    },
    async close() {
      await (await instance)?.close?.();
    },
  };
}

const shared = new Map<string, Promise<Warehouse>>();
/**
 * One warehouse per process and configuration. Why: locally the API and the materialization job run in the same
 * process and must see the same DuckDB tables (in AWS each Lambda has its own container, and Snowflake is shared
 * anyway). A failed build is forgotten so the next call retries.
 */
export function sharedWarehouse(config: WarehouseEnv, log?: (line: string) => void): Promise<Warehouse> {
  const key = JSON.stringify(config);
  let warehouse = shared.get(key);
  if (!warehouse) {
    warehouse = createWarehouse(config, log).catch((error: unknown) => {
      shared.delete(key);
      throw error;
    });
    shared.set(key, warehouse);
  }
  return warehouse;
}

/**
 * The rows a workspace purge must delete from the warehouse. Snowflake holds its own copy of the events (the shared
 * warehouse is built and purged). DuckDB holds none: each process loads the lake files into memory, and the purge's
 * objects step has deleted those files, so only a DuckDB already built in this process (the local stack's, shared
 * with its API) has rows to drop; a purge never builds one (nor needs the native driver) to delete nothing.
 */
export async function purgeWarehouseRows(
  config: WarehouseEnv,
  tenantId: string,
  log?: (line: string) => void,
): Promise<number> {
  const existing = config.WAREHOUSE === 'snowflake' ? sharedWarehouse(config, log) : shared.get(JSON.stringify(config));
  if (!existing) return 0;
  return (await (await existing).purgeTenant?.(tenantId)) ?? 0;
}
