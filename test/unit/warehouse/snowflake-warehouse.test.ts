import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DUCKDB_DDL } from '../../../functions/adapters/warehouse/duckdb-warehouse.ts';
import { readWarehouseConfig, type WarehouseEnv } from '../../../functions/adapters/warehouse/index.ts';
import { derivedTablesDdl, materializeSql, SUMMARY_INSERT } from '../../../functions/adapters/warehouse/queries.ts';
import { secretsManagerReader } from '../../../functions/adapters/warehouse/snowflake-key.ts';
import {
  FIRST_DELIVERED,
  SNOWFLAKE_EVENT_COLUMN,
  SNOWFLAKE_METADATA_COLUMN,
  snowflakeDdl,
  snowpipeCopySql,
} from '../../../functions/adapters/warehouse/snowflake-schema.ts';
import { API_TIMEOUT_SECONDS } from '../../../functions/adapters/warehouse/snowflake-session.ts';
import { SnowflakeWarehouse } from '../../../functions/adapters/warehouse/snowflake-warehouse.ts';
import { anyEnvelopeSchema } from '../../../shared/events/envelope.ts';
import {
  answerAnalyzedDataSchema,
  citationObservationSchema,
  entityObservationSchema,
} from '../../../shared/events/schemas.ts';
import { WarehouseError, type WarehouseScope } from '../../../shared/ports/warehouse.ts';

/**
 * The Snowflake adapter with the driver faked at the port boundary: `snowflake-sdk` is replaced by a module that
 * records the connection options and every statement (SQL text and binds), so the tests see exactly what the
 * adapter would send. The Secrets Manager read is injected (as `readSecret`), except in the reader's own test.
 */
interface Sent {
  sqlText: string;
  binds: unknown[];
}
const driver = vi.hoisted(() => ({
  connections: [] as Record<string, unknown>[],
  sent: [] as { sqlText: string; binds: unknown[]; parameters?: Record<string, unknown> }[],
  failNextConnect: null as Error | null,
  /** The next statement fails with this error (a Snowflake error carries its code). */
  failNextStatement: null as (Error & { code?: string }) | null,
  /** Rows of the next statements, instead of none. */
  rows: null as Record<string, unknown>[] | null,
  /** Each connection's liveness (`isUp`), in creation order. */
  handles: [] as { up: boolean }[],
}));
vi.mock('snowflake-sdk', () => ({
  default: {
    createConnection(options: Record<string, unknown>) {
      driver.connections.push(options);
      const connection = {
        up: true,
        isUp: () => connection.up,
        destroy: (done: () => void) => done(),
        execute({
          sqlText,
          binds,
          parameters,
          complete,
        }: {
          sqlText: string;
          binds: unknown[];
          parameters?: Record<string, unknown>;
          complete: (error: unknown, statement: unknown, rows: unknown[]) => void;
        }) {
          driver.sent.push({ sqlText, binds, ...(parameters ? { parameters } : {}) });
          const failure = driver.failNextStatement;
          driver.failNextStatement = null;
          if (failure) {
            connection.up = false; // the driver marks a gone session disconnected
            queueMicrotask(() => complete(failure, {}, []));
            return;
          }
          queueMicrotask(() =>
            complete(
              undefined,
              {},
              sqlText.startsWith('SELECT COUNT(*) AS "n" FROM daily_prompt_summary') ? [{ n: 3 }] : (driver.rows ?? []),
            ),
          );
        },
        async connectAsync() {
          const failure = driver.failNextConnect;
          driver.failNextConnect = null;
          if (failure) throw failure;
          return connection;
        },
      };
      driver.handles.push(connection);
      return connection;
    },
  },
}));
const secretsManager = vi.hoisted(() => ({ sent: [] as unknown[], reply: {} as { SecretString?: string } }));
vi.mock('@aws-sdk/client-secrets-manager', () => ({
  SecretsManagerClient: class {
    async send(command: { input: unknown }) {
      secretsManager.sent.push(command.input);
      return secretsManager.reply;
    }
  },
  GetSecretValueCommand: class {
    constructor(readonly input: unknown) {}
  },
}));

const T = 'ws_01jzdddddddddddddddddddddd';
const SCOPE: WarehouseScope = {
  tenantId: T,
  brandId: 'brd_01jzdddddddddddddddddddddd',
  from: '2026-04-01',
  to: '2026-04-30',
};
const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:SnowflakeCredentials-AbCdEf';

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
/** Firehose's form: PKCS#8 DER in base64, no header, no newlines. */
const FIREHOSE_KEY = privateKey.export({ type: 'pkcs8', format: 'der' }).toString('base64');
const ENCRYPTED_KEY = privateKey
  .export({ type: 'pkcs8', format: 'der', cipher: 'aes-256-cbc', passphrase: 'correct horse' })
  .toString('base64');
const PEM = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const secretJson = (value: Record<string, unknown>) => JSON.stringify(value);
const GOOD_SECRET = secretJson({ user: 'PROMPTPULSE_SVC', private_key: FIREHOSE_KEY });

const AWS_ENV = {
  WAREHOUSE: 'snowflake',
  AWS_REGION: 'eu-west-1',
  SNOWFLAKE_ACCOUNT: 'ab12345',
  SNOWFLAKE_WAREHOUSE: 'PROMPTPULSE_WH',
  SNOWFLAKE_DATABASE: 'PROMPTPULSE',
  SNOWFLAKE_PRIVATE_KEY_SECRET_ARN: SECRET_ARN,
};
type SnowflakeEnv = Extract<WarehouseEnv, { WAREHOUSE: 'snowflake' }>;
const configOf = (env: Record<string, string>) => readWarehouseConfig(env) as SnowflakeEnv;

beforeEach(() => {
  driver.connections.length = 0;
  driver.sent.length = 0;
  driver.failNextConnect = null;
  driver.failNextStatement = null;
  driver.rows = null;
  driver.handles.length = 0;
});
afterEach(() => vi.restoreAllMocks());

describe('Snowflake DDL: one table shape for Firehose and Snowpipe', () => {
  const ddl = snowflakeDdl();
  const [table = '', answerEvents = '', answersView = '', entitiesView = '', citationsView = ''] = ddl;

  it('creates EVENTS with the CloudEvent in one VARIANT column and the loader metadata in another, nothing else', () => {
    expect(table).toMatch(
      new RegExp(
        `^CREATE TABLE IF NOT EXISTS EVENTS \\(${SNOWFLAKE_EVENT_COLUMN} VARIANT NOT NULL, ${SNOWFLAKE_METADATA_COLUMN} VARIANT\\)`,
      ),
    );
    // Snowpipe Streaming (Firehose) refuses tables with default-valued columns.
    expect(table).not.toMatch(/DEFAULT|AUTOINCREMENT|IDENTITY/);
    // The old flattened shape is gone everywhere.
    for (const statement of ddl) expect(statement).not.toMatch(/\bTENANTID VARCHAR|\bDATA VARIANT|FILE_NAME|LOADED_AT/);
  });

  it('reads only CloudEvents attributes that exist (tenant extension `tenantid`) and data fields of answer.analyzed', () => {
    const attributes = [...answerEvents.matchAll(/\bEVENT:(\w+)/g)].map((m) => m[1]);
    expect(attributes).toEqual(expect.arrayContaining(['tenantid', 'id', 'type', 'data', 'specversion']));
    for (const attribute of attributes) expect(Object.keys(anyEnvelopeSchema.shape), attribute).toContain(attribute);
    const dataFields = [
      ...[...answerEvents.matchAll(/\bEVENT:data\.(\w+)/g)].map((m) => m[1]),
      ...[answersView, entitiesView, citationsView].flatMap((view) =>
        [...view.matchAll(/\bDATA:(\w+)/g)].map((m) => m[1]),
      ),
    ];
    expect(dataFields.length).toBeGreaterThan(10);
    for (const field of dataFields) expect(Object.keys(answerAnalyzedDataSchema.shape), field).toContain(field);
    const promptFields = [...answersView.matchAll(/\bDATA:prompt\.(\w+)/g)].map((m) => m[1]);
    for (const field of promptFields)
      expect(Object.keys(answerAnalyzedDataSchema.shape.prompt.shape), field).toContain(field);
    for (const field of [...entitiesView.matchAll(/f\.value:(\w+)/g)].map((m) => m[1]))
      expect(Object.keys(entityObservationSchema.shape), field).toContain(field);
    for (const field of [...citationsView.matchAll(/f\.value:(\w+)/g)].map((m) => m[1]))
      expect(Object.keys(citationObservationSchema.shape), field).toContain(field);
  });

  it('keeps one row per (tenant, event id), choosing among valid answer events only, first delivered first', () => {
    expect(answerEvents).toContain("EVENT:type::VARCHAR = 'promptpulse.answer.analyzed'");
    expect(answerEvents).toContain('EVENT:tenantid::VARCHAR = EVENT:data.tenantId::VARCHAR');
    expect(answerEvents).toContain(FIRST_DELIVERED);
    // A number is read as a number: never through a timestamp parser that guesses its scale.
    expect(answerEvents).toContain('COALESCE(TRY_TO_NUMBER(METADATA:IngestionTime::VARCHAR)');
    expect(answerEvents).not.toMatch(/TIMESTAMP_LTZ/);
    // WHERE before QUALIFY: an invalid copy cannot hide the valid one (DuckDB skips invalid lines before deduplicating).
    expect(answerEvents.indexOf('WHERE')).toBeLessThan(answerEvents.indexOf('QUALIFY'));
  });

  it('gives the three relations exactly the columns of the DuckDB tables the shared queries read', () => {
    const duckColumns = (name: string) => {
      const statement = DUCKDB_DDL.find((s) => s.includes(`EXISTS ${name} (`)) ?? '';
      return [...statement.slice(statement.indexOf('(') + 1).matchAll(/(\w+) (?:VARCHAR|BOOLEAN|INTEGER|DOUBLE)/g)].map(
        (m) => m[1],
      );
    };
    const viewColumns = (view: string) => [...view.matchAll(/ AS (\w+)(?=,|\s+FROM)/g)].map((m) => m[1]);
    expect(viewColumns(answersView)).toEqual(duckColumns('answers'));
    expect(viewColumns(entitiesView)).toEqual(duckColumns('answer_entities'));
    expect(viewColumns(citationsView)).toEqual(duckColumns('answer_citations'));
  });

  it('uses the configured table and refuses a table name that is not an identifier', () => {
    expect(snowflakeDdl('PP_EVENTS')[0]).toContain('CREATE TABLE IF NOT EXISTS PP_EVENTS (');
    expect(snowflakeDdl('PP_EVENTS')[1]).toContain('FROM PP_EVENTS');
    expect(() => snowflakeDdl('EVENTS; DROP TABLE X')).toThrow(/identifier/);
  });

  it('is what docs/warehouse.md tells an operator to run (DDL and the Snowpipe COPY)', () => {
    const squash = (text: string) => text.replace(/\s+/g, ' ').trim();
    const docs = squash(readFileSync(new URL('../../../docs/warehouse.md', import.meta.url), 'utf8'));
    expect(docs).toContain(squash(table));
    expect(docs).toContain(squash(snowpipeCopySql('PP_LAKE_STAGE')));
    expect(snowpipeCopySql('PP_LAKE_STAGE')).toMatch(
      /^COPY INTO EVENTS \(EVENT, METADATA\)\s+FROM \(SELECT \$1, OBJECT_CONSTRUCT\('file', METADATA\$FILENAME, 'row', METADATA\$FILE_ROW_NUMBER\) FROM @PP_LAKE_STAGE\)/,
    );
  });
});

describe('SnowflakeWarehouse with the key pair from Secrets Manager', () => {
  it('reads nothing and loads no driver until the first query, then fetches the secret once per container', async () => {
    const readSecret = vi.fn(async () => GOOD_SECRET);
    const warehouse = SnowflakeWarehouse.fromConfig(configOf(AWS_ENV), { readSecret });
    expect(readSecret).not.toHaveBeenCalled();
    expect(driver.connections).toHaveLength(0);

    await warehouse.query('trends', SCOPE);
    await Promise.all([warehouse.query('topics', SCOPE), warehouse.query('sources', SCOPE)]);
    expect(readSecret).toHaveBeenCalledTimes(1);
    expect(readSecret).toHaveBeenCalledWith(SECRET_ARN);
    expect(driver.connections).toHaveLength(1);
    const options = driver.connections[0] as Record<string, string>;
    expect(options).toMatchObject({
      account: 'ab12345',
      username: 'PROMPTPULSE_SVC',
      authenticator: 'SNOWFLAKE_JWT',
      warehouse: 'PROMPTPULSE_WH',
      database: 'PROMPTPULSE',
      schema: 'PROMPTPULSE',
    });
    expect(options.privateKey).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(options.password).toBeUndefined();
  });

  it('binds the tenant id first and never splices it into the SQL', async () => {
    const warehouse = SnowflakeWarehouse.fromConfig(configOf(AWS_ENV), { readSecret: async () => GOOD_SECRET });
    for (const name of ['trends', 'competitors', 'topics', 'sources', 'prompts', 'matrix', 'answers'] as const) {
      driver.sent.length = 0;
      await warehouse.query(name, { ...SCOPE, provider: 'openai' });
      const [statement] = driver.sent as Sent[];
      expect(statement?.binds[0], name).toBe(T);
      expect(statement?.sqlText, name).not.toContain(T);
      expect(statement?.sqlText, name).not.toContain('openai');
      expect(statement?.binds, name).toContain('openai');
    }
  });

  it('refuses a tenant id that is not ours before reading the secret or connecting', async () => {
    const readSecret = vi.fn(async () => GOOD_SECRET);
    const warehouse = SnowflakeWarehouse.fromConfig(configOf(AWS_ENV), { readSecret });
    await expect(warehouse.query('trends', { ...SCOPE, tenantId: "ws_x' OR '1'='1" })).rejects.toThrow(/tenant id/);
    expect(readSecret).not.toHaveBeenCalled();
    expect(driver.sent).toHaveLength(0);
  });

  it('fails the query with a WarehouseError when the secret cannot be read, and reads it again on the next query', async () => {
    const readSecret = vi
      .fn<(arn: string) => Promise<string>>()
      .mockRejectedValueOnce(Object.assign(new Error('User is not authorized'), { name: 'AccessDeniedException' }))
      .mockResolvedValue(GOOD_SECRET);
    const warehouse = SnowflakeWarehouse.fromConfig(configOf(AWS_ENV), { readSecret });
    const failure = await warehouse.query('trends', SCOPE).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(WarehouseError);
    expect((failure as Error).message).toBe(`could not read the Snowflake key secret ${SECRET_ARN}`);
    expect(driver.connections).toHaveLength(0);

    await expect(warehouse.query('trends', SCOPE)).resolves.toEqual([]);
    expect(readSecret).toHaveBeenCalledTimes(2);
    expect(driver.connections).toHaveLength(1);
  });

  it('reads the secret again after Snowflake refused the sign-in (a rotated key), not before', async () => {
    const readSecret = vi.fn(async () => GOOD_SECRET);
    const warehouse = SnowflakeWarehouse.fromConfig(configOf(AWS_ENV), { readSecret });
    driver.failNextConnect = new Error('JWT token is invalid');
    await expect(warehouse.query('trends', SCOPE)).rejects.toThrow(
      new WarehouseError('could not connect to Snowflake'),
    );
    await warehouse.query('trends', SCOPE);
    await warehouse.query('trends', SCOPE);
    expect(readSecret).toHaveBeenCalledTimes(2);
    expect(driver.connections).toHaveLength(2);
  });

  it('after a rotation, a container that must sign in again re-reads the secret and retries within the same query', async () => {
    const readSecret = vi.fn(async () => GOOD_SECRET);
    const warehouse = SnowflakeWarehouse.fromConfig(configOf(AWS_ENV), { readSecret });
    await warehouse.query('trends', SCOPE);
    for (const handle of driver.handles) handle.up = false; // the session ended; the old key is unset meanwhile
    driver.failNextConnect = new Error('JWT token is invalid');
    await expect(warehouse.query('trends', SCOPE)).resolves.toEqual([]);
    expect(readSecret).toHaveBeenCalledTimes(2);
    expect(driver.connections).toHaveLength(3);
  });

  it.each([
    ['not JSON', 'PROMPTPULSE_SVC:secret', /is not JSON; expected \{"user"/],
    ['without the key', secretJson({ user: 'PROMPTPULSE_SVC' }), /missing or has invalid private_key/],
    ['without the user', secretJson({ private_key: FIREHOSE_KEY }), /missing or has invalid user/],
    [
      'with a key that is not one',
      secretJson({ user: 'U', private_key: 'bm90IGEga2V5IGF0IGFsbA==' }),
      /private key could not be read/,
    ],
    [
      'with an encrypted key and no passphrase',
      secretJson({ user: 'U', private_key: ENCRYPTED_KEY }),
      /private key could not be read/,
    ],
    [
      'with the wrong passphrase',
      secretJson({ user: 'U', private_key: ENCRYPTED_KEY, key_passphrase: 'wrong' }),
      /private key could not be read/,
    ],
  ])('a secret %s fails the query with a clear error that shows no secret value', async (_case, secret, message) => {
    const warehouse = SnowflakeWarehouse.fromConfig(configOf(AWS_ENV), { readSecret: async () => secret });
    const failure = await warehouse.query('trends', SCOPE).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(WarehouseError);
    expect((failure as Error).message).toMatch(message);
    expect((failure as Error).message).not.toContain(FIREHOSE_KEY.slice(0, 40));
    expect((failure as Error).message).not.toContain('secret"');
    expect(driver.connections).toHaveLength(0);
  });

  it('accepts an encrypted key with its passphrase, and a full PEM, handing the driver an unencrypted PEM', async () => {
    for (const secret of [
      secretJson({ user: 'U', private_key: ENCRYPTED_KEY, key_passphrase: 'correct horse' }),
      secretJson({ user: 'U', private_key: PEM }),
    ]) {
      driver.connections.length = 0;
      const warehouse = SnowflakeWarehouse.fromConfig(configOf(AWS_ENV), { readSecret: async () => secret });
      await warehouse.query('trends', SCOPE);
      expect(driver.connections[0]).toMatchObject({ username: 'U', privateKey: PEM });
      expect(driver.connections[0]?.privateKeyPass).toBeUndefined();
    }
  });

  it('reads the secret with GetSecretValue and says so when it has no string value', async () => {
    secretsManager.reply = {};
    const warehouse = SnowflakeWarehouse.fromConfig(configOf(AWS_ENV));
    await expect(warehouse.query('trends', SCOPE)).rejects.toThrow(
      new WarehouseError('the Snowflake key secret has no string value'),
    );
    expect(secretsManager.sent).toEqual([{ SecretId: SECRET_ARN }]);
    secretsManager.reply = { SecretString: GOOD_SECRET };
    await expect(secretsManagerReader('eu-west-1')(SECRET_ARN)).resolves.toBe(GOOD_SECRET);
  });

  it('migrates once per container before materializing, sending the EVENT-column DDL', async () => {
    const warehouse = SnowflakeWarehouse.fromConfig(configOf({ ...AWS_ENV, SNOWFLAKE_TABLE: 'PP_EVENTS' }), {
      readSecret: async () => GOOD_SECRET,
    });
    const report = await warehouse.materialize('2026-04-28');
    await warehouse.materialize('2026-04-29');
    const statements = driver.sent.map((s) => s.sqlText);
    const ddl = [...snowflakeDdl('PP_EVENTS'), ...derivedTablesDdl('snowflake')];
    expect(statements.slice(0, ddl.length)).toEqual(ddl);
    expect(statements.filter((sql) => sql.startsWith('CREATE TABLE IF NOT EXISTS PP_EVENTS'))).toHaveLength(1);
    expect(report).toMatchObject({ throughDay: '2026-04-28', summaryRows: 3 });
    // The rebuild: an empty TRANSIENT table without Time Travel, then the rows through an INSERT with the day bound.
    const [empty, fill] = materializeSql('snowflake');
    expect(empty).toMatch(
      /^CREATE OR REPLACE TRANSIENT TABLE daily_prompt_summary \([\s\S]+\) DATA_RETENTION_TIME_IN_DAYS = 0 COPY GRANTS$/,
    );
    expect(fill).toBe(SUMMARY_INSERT);
    const rebuild = driver.sent.slice(ddl.length, ddl.length + 4);
    expect(rebuild.map((s) => [s.sqlText, s.binds])).toEqual([
      [empty, []],
      [fill, ['2026-04-28']],
      ['DELETE FROM materialization_state', []],
      [materializeSql('snowflake')[3], ['2026-04-28', expect.any(String)]],
    ]);
    for (const statement of derivedTablesDdl('snowflake'))
      expect(statement).toMatch(/^CREATE TRANSIENT TABLE IF NOT EXISTS [\s\S]+ DATA_RETENTION_TIME_IN_DAYS = 0$/);
    expect(driver.sent.every((s) => s.parameters?.STATEMENT_TIMEOUT_IN_SECONDS === 540)).toBe(true);
  });

  it('tags every query with the route and tenant, stops it before the API times out, and asks for quoted case', async () => {
    const warehouse = SnowflakeWarehouse.fromConfig(configOf(AWS_ENV), { readSecret: async () => GOOD_SECRET });
    await warehouse.query('competitors', SCOPE);
    const [statement] = driver.sent;
    expect(JSON.parse(String(statement?.parameters?.QUERY_TAG))).toEqual({
      app: 'promptpulse',
      route: 'competitors',
      tenant: T,
    });
    expect(statement?.parameters?.STATEMENT_TIMEOUT_IN_SECONDS).toBeLessThan(API_TIMEOUT_SECONDS);
    expect(statement?.parameters?.QUOTED_IDENTIFIERS_IGNORE_CASE).toBe(false);
    expect(driver.connections[0]).toMatchObject({ clientSessionKeepAlive: true });
  });

  it('reads rows whose columns came back upper-cased (QUOTED_IDENTIFIERS_IGNORE_CASE = TRUE forced on the account)', async () => {
    const warehouse = SnowflakeWarehouse.fromConfig(configOf(AWS_ENV), { readSecret: async () => GOOD_SECRET });
    driver.rows = [
      {
        DAY: '2026-04-02',
        PROVIDER: 'openai',
        SURFACE: 'api',
        ANSWERS: 4,
        BRANDMENTIONED: 2,
        MEANRANK: 1.5,
        MEANSENTIMENT: null,
      },
    ];
    await expect(warehouse.query('trends', SCOPE)).resolves.toEqual([
      {
        day: '2026-04-02',
        provider: 'openai',
        surface: 'api',
        answers: 4,
        brandMentioned: 2,
        meanRank: 1.5,
        meanSentiment: null,
      },
    ]);
  });

  it('signs in again and runs the statement once more when the session expired while the container idled', async () => {
    const readSecret = vi.fn(async () => GOOD_SECRET);
    const warehouse = SnowflakeWarehouse.fromConfig(configOf(AWS_ENV), { readSecret });
    await warehouse.query('trends', SCOPE);
    driver.failNextStatement = Object.assign(new Error('Authentication token has expired.'), { code: '390114' });
    await expect(warehouse.query('topics', SCOPE)).resolves.toEqual([]);
    expect(driver.connections).toHaveLength(2);
    expect(driver.sent.map((s) => JSON.parse(String(s.parameters?.QUERY_TAG)).route)).toEqual([
      'trends',
      'topics',
      'topics',
    ]);
    // Any other failure is the query's own: no second attempt.
    driver.failNextStatement = Object.assign(new Error('SQL compilation error'), { code: '001003' });
    await expect(warehouse.query('topics', SCOPE)).rejects.toThrow(new WarehouseError('a Snowflake query failed'));
    expect(driver.sent).toHaveLength(4);
  });
});

describe('Snowflake configuration', () => {
  it('takes the key from the environment for local use (PEM or base64, optionally encrypted)', async () => {
    const warehouse = SnowflakeWarehouse.fromConfig(
      configOf({
        WAREHOUSE: 'snowflake',
        SNOWFLAKE_ACCOUNT: 'ab12345',
        SNOWFLAKE_WAREHOUSE: 'WH',
        SNOWFLAKE_DATABASE: 'DB',
        SNOWFLAKE_USERNAME: 'DEV_USER',
        SNOWFLAKE_PRIVATE_KEY: ENCRYPTED_KEY,
        SNOWFLAKE_PRIVATE_KEY_PASSPHRASE: 'correct horse',
      }),
      { readSecret: async () => Promise.reject(new Error('must not be read')) },
    );
    await warehouse.query('trends', SCOPE);
    expect(driver.connections[0]).toMatchObject({
      username: 'DEV_USER',
      authenticator: 'SNOWFLAKE_JWT',
      privateKey: PEM,
    });
  });

  it('refuses a key or password next to the secret ARN, and no login at all, naming the variables', () => {
    expect(() => readWarehouseConfig({ ...AWS_ENV, SNOWFLAKE_PRIVATE_KEY: PEM })).toThrow(
      /SNOWFLAKE_PRIVATE_KEY: not allowed with SNOWFLAKE_PRIVATE_KEY_SECRET_ARN/,
    );
    const { SNOWFLAKE_PRIVATE_KEY_SECRET_ARN: _arn, ...withoutLogin } = AWS_ENV;
    expect(() => readWarehouseConfig(withoutLogin)).toThrow(
      /SNOWFLAKE_USERNAME: required[\s\S]*SNOWFLAKE_PRIVATE_KEY_SECRET_ARN: set it/,
    );
    expect(() => readWarehouseConfig({ ...AWS_ENV, SNOWFLAKE_PRIVATE_KEY_SECRET_ARN: 'my-secret' })).toThrow(
      /SNOWFLAKE_PRIVATE_KEY_SECRET_ARN: expected a Secrets Manager secret ARN/,
    );
    expect(() => readWarehouseConfig({ ...AWS_ENV, SNOWFLAKE_TABLE: 'EVENTS;--' })).toThrow(/SNOWFLAKE_TABLE/);
  });
});
