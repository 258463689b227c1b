// Types only at the top: the driver (megabytes) is imported on the first connection, so a bundle that carries this
// adapter does not load it at cold start (esbuild hoists static imports of installed packages to the bundle's top).
import type { Bind, Connection, ConnectionOptions } from 'snowflake-sdk';
import { ANALYTICS_ROW_SCHEMAS, type AnalyticsQueryName, type AnalyticsRow } from '#shared/contracts/analytics.ts';
import {
  type MaterializationReport,
  type Warehouse,
  WarehouseError,
  type WarehouseScope,
} from '#shared/ports/warehouse.ts';
import type { WarehouseEnv } from './index.ts';
import { assertTenantId, derivedTablesDdl, materializeSql, sqlFor } from './queries.ts';
import { parseKeySecret, privateKeyPem, type SnowflakeLogin, secretsManagerReader } from './snowflake-key.ts';
import { SNOWFLAKE_DEFAULT_TABLE, SNOWFLAKE_EVENT_COLUMN, snowflakeDdl } from './snowflake-schema.ts';
import {
  isSessionEnded,
  JOB_TIMEOUT_SECONDS,
  QUERY_TIMEOUT_SECONDS,
  type StatementContext,
  statementParameters,
  withSchemaKeys,
} from './snowflake-session.ts';

type SnowflakeEnv = Extract<WarehouseEnv, { WAREHOUSE: 'snowflake' }>;

/** The part of `snowflake-sdk` the adapter uses (a fake in unit tests). */
export interface SnowflakeDriver {
  createConnection(options: ConnectionOptions): Pick<Connection, 'connectAsync'>;
}

export interface SnowflakeWarehouseOptions {
  /** Account, warehouse, database, schema, role: everything but the login. */
  connection: Omit<ConnectionOptions, 'username' | 'password' | 'privateKey' | 'privateKeyPass' | 'authenticator'>;
  /** The login, asked for on the first connection and again only after a connection attempt failed. */
  login: () => Promise<SnowflakeLogin>;
  /** The raw events table both loading paths write. @default 'EVENTS' */
  table?: string;
  /** @default the installed `snowflake-sdk`, imported on the first connection */
  loadDriver?: () => Promise<SnowflakeDriver>;
  /** Statement timeout of the analytics queries. @default QUERY_TIMEOUT_SECONDS (below the API's 29 s) */
  queryTimeoutSeconds?: number;
}

/**
 * The driver's heartbeat keeps an idle container's session (and its master token, which expires after about 4 h
 * without use) alive; a session that ended anyway is signed into again by the next statement (`execute`).
 * `clientSessionKeepAlive` is a documented option the SDK's d.ts does not declare yet.
 */
const KEEP_ALIVE = { clientSessionKeepAlive: true, clientSessionKeepAliveHeartbeatFrequency: 3600 };

export interface SnowflakeWiring {
  /** Reads a Secrets Manager secret's string. @default `GetSecretValue` with the AWS SDK */
  readSecret?: (secretArn: string) => Promise<string>;
  loadDriver?: () => Promise<SnowflakeDriver>;
}

/** Types only at the top of the file; the driver itself (megabytes) is loaded here, on the first connection. */
async function installedDriver(): Promise<SnowflakeDriver> {
  const { default: snowflake } = await import('snowflake-sdk');
  return snowflake;
}

/**
 * The warehouse port on Snowflake (production). One connection per container, opened on first use and reopened when
 * it drops; every query binds the scope (tenant id first) with `?` binds.
 *
 * The login (with `SNOWFLAKE_PRIVATE_KEY_SECRET_ARN`, the key pair from Secrets Manager) is fetched on the first
 * query, not at cold start, and kept for the container. A failed fetch or sign-in fails that query with a
 * WarehouseError and is tried again, secret included, by the next one: a rotated key or a secret put after the deploy
 * is picked up without recycling the container, and no container stays poisoned.
 */
export class SnowflakeWarehouse implements Warehouse {
  private connection: Promise<Connection> | null = null;
  private login: Promise<SnowflakeLogin> | null = null;
  private migrated: Promise<void> | null = null;
  private readonly table: string;
  private readonly loadDriver: () => Promise<SnowflakeDriver>;

  constructor(private readonly options: SnowflakeWarehouseOptions) {
    this.table = options.table ?? SNOWFLAKE_DEFAULT_TABLE;
    this.loadDriver = options.loadDriver ?? installedDriver;
  }

  static fromConfig(config: SnowflakeEnv, wiring: SnowflakeWiring = {}): SnowflakeWarehouse {
    const secretArn = config.SNOWFLAKE_PRIVATE_KEY_SECRET_ARN;
    const readSecret = wiring.readSecret ?? secretsManagerReader(config.AWS_REGION);
    return new SnowflakeWarehouse({
      connection: {
        account: config.SNOWFLAKE_ACCOUNT,
        warehouse: config.SNOWFLAKE_WAREHOUSE,
        database: config.SNOWFLAKE_DATABASE,
        schema: config.SNOWFLAKE_SCHEMA,
        ...(config.SNOWFLAKE_ROLE ? { role: config.SNOWFLAKE_ROLE } : {}),
        application: 'PromptPulse',
      },
      table: config.SNOWFLAKE_TABLE,
      login: secretArn
        ? async () => {
            let secret: string;
            try {
              secret = await readSecret(secretArn);
            } catch (error) {
              if (error instanceof WarehouseError) throw error;
              throw new WarehouseError(`could not read the Snowflake key secret ${secretArn}`, { cause: error });
            }
            return parseKeySecret(secret);
          }
        : async () => envLogin(config),
      ...(wiring.loadDriver ? { loadDriver: wiring.loadDriver } : {}),
    });
  }

  async query<N extends AnalyticsQueryName>(name: N, scope: WarehouseScope): Promise<AnalyticsRow<N>[]> {
    assertTenantId(scope.tenantId);
    const { sql, binds } = sqlFor(name, scope);
    const rows = await this.execute(sql, binds, {
      route: name,
      tenantId: scope.tenantId,
      timeoutSeconds: this.options.queryTimeoutSeconds ?? QUERY_TIMEOUT_SECONDS,
    });
    const schema = ANALYTICS_ROW_SCHEMAS[name];
    const keys = Object.keys(schema.shape);
    return rows.map((row) => schema.parse(withSchemaKeys(row, keys)) as AnalyticsRow<N>);
  }

  /**
   * Creates the raw table (if missing), replaces the views and creates the derived tables: idempotent, every
   * statement `IF NOT EXISTS` or `CREATE OR REPLACE ... COPY GRANTS`. Run at deploy (the `WarehouseSchema` custom
   * resource, functions/handlers/materialize/migrate.ts) and again by the materialization job once per container.
   */
  async migrate(): Promise<void> {
    const context = { route: 'migrate', timeoutSeconds: JOB_TIMEOUT_SECONDS };
    for (const statement of [...snowflakeDdl(this.table), ...derivedTablesDdl('snowflake')])
      await this.execute(statement, [], context);
  }

  /**
   * The same rebuild as DuckDB's, over the views (Firehose or Snowpipe keep the raw table current, so nothing to load
   * first); the schema is migrated once per container beforehand.
   */
  async materialize(throughDay: string): Promise<MaterializationReport> {
    const started = Date.now();
    await this.migrateOnce();
    const context = { route: 'materialize', timeoutSeconds: JOB_TIMEOUT_SECONDS };
    const [empty, fill, clear, mark] = materializeSql('snowflake');
    await this.execute(empty, [], context);
    await this.execute(fill, [throughDay], context);
    await this.execute(clear, [], context);
    await this.execute(mark, [throughDay, new Date().toISOString()], context);
    const [count] = await this.execute('SELECT COUNT(*) AS "n" FROM daily_prompt_summary', [], context);
    return { throughDay, summaryRows: Number(count?.n ?? 0), tenants: 0, ms: Date.now() - started };
  }

  /** Deletes the tenant's raw events and summary rows (workspace purge); the views follow the raw table. */
  async purgeTenant(tenantId: string): Promise<number> {
    assertTenantId(tenantId);
    await this.migrateOnce();
    const e = SNOWFLAKE_EVENT_COLUMN;
    const context = { route: 'purge', tenantId, timeoutSeconds: JOB_TIMEOUT_SECONDS };
    const raw = await this.execute(`DELETE FROM ${this.table} WHERE ${e}:tenantid::VARCHAR = ?`, [tenantId], context);
    const summary = await this.execute('DELETE FROM daily_prompt_summary WHERE tenant_id = ?', [tenantId], context);
    const deleted = (rows: Record<string, unknown>[]) =>
      Number(withSchemaKeys(rows[0] ?? {}, ['number of rows deleted'])['number of rows deleted'] ?? 0);
    return deleted(raw) + deleted(summary);
  }

  async close(): Promise<void> {
    const open = this.connection;
    this.connection = null;
    if (!open) return;
    const connection = await open.catch(() => null);
    if (!connection?.isUp()) return;
    await new Promise<void>((resolve) => connection.destroy(() => resolve()));
  }

  private migrateOnce(): Promise<void> {
    if (!this.migrated) {
      const migrating = this.migrate();
      migrating.catch(() => {
        if (this.migrated === migrating) this.migrated = null;
      });
      this.migrated = migrating;
    }
    return this.migrated;
  }

  /** The open connection, or a new one; concurrent callers share the attempt in flight (and its failure). */
  private async connect(): Promise<Connection> {
    const current = this.connection;
    if (current) {
      const existing = await current;
      if (existing.isUp()) return existing;
      if (this.connection === current) this.connection = null;
      return this.connect();
    }
    const opening = this.open();
    opening.catch(() => {
      if (this.connection === opening) this.connection = null; // the next query tries again
    });
    this.connection = opening;
    return opening;
  }

  /**
   * Signs in. When the login was cached from an earlier connection and Snowflake refuses it (the key was rotated and
   * the old one unset), the secret is read again and the sign-in tried once more within the same query.
   */
  private async open(): Promise<Connection> {
    const cached = this.login !== null;
    try {
      return await this.signIn();
    } catch (error) {
      if (cached && error instanceof SignInError) return this.signIn().catch(rethrowUnwrapped);
      return rethrowUnwrapped(error);
    }
  }

  private async signIn(): Promise<Connection> {
    let login: SnowflakeLogin;
    try {
      login = await this.currentLogin();
    } catch (error) {
      throw error instanceof WarehouseError
        ? error
        : new WarehouseError('could not get the Snowflake login', { cause: error });
    }
    try {
      const driver = await this.loadDriver();
      const connection = driver.createConnection({
        ...this.options.connection,
        ...KEEP_ALIVE,
        ...connectionLogin(login),
      } as ConnectionOptions);
      return await connection.connectAsync();
    } catch (error) {
      // A rotated or revoked key: the next attempt reads the secret again instead of retrying a stale one.
      this.login = null;
      throw new SignInError(new WarehouseError('could not connect to Snowflake', { cause: error }));
    }
  }

  private currentLogin(): Promise<SnowflakeLogin> {
    if (!this.login) {
      const loading = this.options.login();
      loading.catch(() => {
        if (this.login === loading) this.login = null;
      });
      this.login = loading;
    }
    return this.login;
  }

  /**
   * Runs one statement with its tag, timeout and quoting parameters. When Snowflake answers that the session ended
   * (expired after idling, or gone), the connection is dropped and the statement runs once more on a new sign-in: the
   * statement never started, so running it again is safe.
   */
  private async execute(sqlText: string, binds: Bind[], context: StatementContext): Promise<Record<string, unknown>[]> {
    const parameters = statementParameters(context);
    const run = async () => {
      const connection = await this.connect();
      return new Promise<Record<string, unknown>[]>((resolve, reject) => {
        connection.execute({
          sqlText,
          binds,
          parameters,
          complete: (error, _statement, rows) => {
            if (error) reject(error);
            else resolve((rows ?? []) as Record<string, unknown>[]);
          },
        });
      });
    };
    const failed = (error: unknown) =>
      error instanceof WarehouseError ? error : new WarehouseError('a Snowflake query failed', { cause: error });
    try {
      return await run();
    } catch (error) {
      if (!isSessionEnded(error)) throw failed(error);
      this.connection = null;
      return run().catch((again: unknown) => {
        throw failed(again);
      });
    }
  }
}

/** A refused sign-in (as opposed to a login that could not be read), carrying the error the query fails with. */
class SignInError extends Error {
  constructor(override readonly cause: WarehouseError) {
    super(cause.message);
  }
}

function rethrowUnwrapped(error: unknown): never {
  throw error instanceof SignInError ? error.cause : error;
}

/** The driver's login options: key-pair JWT when there is a key (preferred), else the password. */
function connectionLogin(login: SnowflakeLogin): Partial<ConnectionOptions> {
  if (login.privateKey)
    return { username: login.username, authenticator: 'SNOWFLAKE_JWT', privateKey: login.privateKey };
  return { username: login.username, ...(login.password ? { password: login.password } : {}) };
}

/** Local/dev: the key (or a password) straight from the environment. */
function envLogin(config: SnowflakeEnv): SnowflakeLogin {
  const username = config.SNOWFLAKE_USERNAME;
  if (!username) throw new WarehouseError('SNOWFLAKE_USERNAME is required without SNOWFLAKE_PRIVATE_KEY_SECRET_ARN');
  if (config.SNOWFLAKE_PRIVATE_KEY) {
    return {
      username,
      privateKey: privateKeyPem(config.SNOWFLAKE_PRIVATE_KEY, config.SNOWFLAKE_PRIVATE_KEY_PASSPHRASE),
    };
  }
  return { username, ...(config.SNOWFLAKE_PASSWORD ? { password: config.SNOWFLAKE_PASSWORD } : {}) };
}
