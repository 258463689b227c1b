/**
 * Cold-start budget of every Lambda bundle the CDK app deploys (`npx tsx bench/cold-start.bench.ts`).
 *
 * For each `NodeFunction` found in the synthesized app it bundles the entry with esbuild using the CDK options
 * (`BUNDLING_DEFAULTS`, the function's externals and aliases), and reports:
 * - the minified bundle size (esbuild metafile) and whether snowflake-sdk or DuckDB got in;
 * - the time to import the bundle in a fresh Node process, which runs its cold-start code (config, SDK clients,
 *   verifiers), median of RUNS runs, with the function's own environment from the template (tokens replaced by
 *   plausible fakes, AWS endpoints pointed at a closed local port so nothing leaves the machine).
 * A trivial bundle built and timed the same way is the baseline (Node's own ESM import cost on this machine).
 *
 * Targets: API-path bundles <= 250 KB, every bundle <= 1 MB, import+init <= 150 ms, no heavy driver in an API-path
 * bundle. Prints figures, ratios to the baseline and pass/fail; exits 0 either way (a benchmark, not a gate).
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Template } from 'aws-cdk-lib/assertions';
import { build } from 'esbuild';
import { BUNDLING_DEFAULTS, LAMBDA_DATA_FILES, NodeFunction } from '../cdk/constructs/node-function.ts';
import { projectPath } from '../cdk/paths.ts';
import { buildApp } from '../cdk/promptpulse.ts';

const RUNS = Number(process.env.COLD_START_RUNS ?? 7);
const KB = 1024;
const TARGETS = { apiBundleBytes: 250 * KB, bundleBytes: 1024 * KB, initMs: 150 };
/** Functions on the request path of a user (HTTP API, WebSocket, sign-in trigger). */
const API_PATH_SERVICES = new Set([
  'promptpulse-api',
  'promptpulse-api-actions',
  'promptpulse-api-connectors',
  'promptpulse-api-docs',
  'promptpulse-analytics',
  'promptpulse-ws',
  'promptpulse-auth',
]);
const HEAVY = /node_modules\/(snowflake-sdk|@duckdb)\//;

/** Fakes for template tokens, by variable name; a closed port for every AWS endpoint. */
const FAKE_ENV: Record<string, string> = {
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'AKIAEXAMPLEEXAMPLE00',
  AWS_SECRET_ACCESS_KEY: 'bench-secret-not-real',
  AWS_EC2_METADATA_DISABLED: 'true',
  AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  AWS_LAMBDA_FUNCTION_NAME: 'bench',
  COGNITO_USER_POOL_ID: 'us-east-1_AbCdEfGhI',
  USER_POOL_ID: 'us-east-1_AbCdEfGhI',
  COGNITO_CLIENT_ID: '1example23456789012345678',
  STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:123456789012:stateMachine:bench',
  CONNECTOR_STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:123456789012:stateMachine:bench-connectors',
  PROVIDER_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:bench-AbCdEf',
  CONNECTOR_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:bench-connectors-AbCdEf',
  WS_MANAGEMENT_ENDPOINT: 'https://abcdef1234.execute-api.us-east-1.amazonaws.com/live',
};

interface FunctionUnderTest {
  names: string[];
  entry: string;
  serviceName: string;
  externalModules: string[];
  /** Installed into the package instead of bundled; the code imports them lazily (first warehouse query). */
  nodeModules: string[];
  aliases: Record<string, string>;
  environment: Record<string, string>;
}

function fakeValue(key: string, value: unknown): string {
  if (typeof value === 'string') return value;
  if (FAKE_ENV[key]) return FAKE_ENV[key];
  if (key.endsWith('_ARN')) return `arn:aws:states:us-east-1:123456789012:stateMachine:${key.toLowerCase()}`;
  return `bench-${key.toLowerCase().replace(/_/g, '-')}`;
}

/** The functions of the synthesized app (bundling skipped), one per distinct bundle. */
function functionsOfApp(): FunctionUnderTest[] {
  // cdk.json's feature flags, as `cdk synth` applies them; bundling skipped (this bench bundles itself).
  const cdkJson = JSON.parse(readFileSync(projectPath('cdk.json'), 'utf8')) as { context: Record<string, unknown> };
  const { app, stateful, stateless } = buildApp({
    context: {
      ...cdkJson.context,
      'aws:cdk:bundling-stacks': [],
      stage: 'prod',
      mailFromAddress: 'no-reply@mail.example.com',
      mailRegion: 'us-east-1',
    },
  });
  const templates = new Map([stateful, stateless].map((stack) => [stack, Template.fromStack(stack).toJSON()]));
  const found = new Map<string, FunctionUnderTest>();
  for (const fn of app.node.findAll().filter((c): c is NodeFunction => c instanceof NodeFunction)) {
    const stack = fn.function.stack;
    const logicalId = stack.resolve(
      (fn.function.node.defaultChild as unknown as { logicalId: string }).logicalId,
    ) as string;
    const variables = (templates.get(stack as never)?.Resources?.[logicalId]?.Properties?.Environment?.Variables ??
      {}) as Record<string, unknown>;
    const environment = Object.fromEntries(Object.entries(variables).map(([k, v]) => [k, fakeValue(k, v)]));
    const key = JSON.stringify([fn.entry, fn.externalModules, fn.aliases, environment.POWERTOOLS_SERVICE_NAME]);
    const name = fn.node.path.split('/').slice(1).join('/');
    const existing = found.get(key);
    if (existing) existing.names.push(name);
    else
      found.set(key, {
        names: [name],
        entry: fn.entry,
        serviceName: fn.serviceName,
        externalModules: fn.externalModules,
        nodeModules: fn.nodeModules,
        aliases: fn.aliases,
        environment,
      });
  }
  return [...found.values()];
}

async function bundle(
  entry: string,
  outdir: string,
  options: Pick<FunctionUnderTest, 'externalModules' | 'aliases'> & { nodeModules?: string[] },
) {
  mkdirSync(outdir, { recursive: true });
  const outfile = join(outdir, 'index.mjs');
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    outfile,
    metafile: true,
    logLevel: 'error',
    format: BUNDLING_DEFAULTS.format,
    platform: BUNDLING_DEFAULTS.platform,
    target: BUNDLING_DEFAULTS.target,
    minify: BUNDLING_DEFAULTS.minify,
    sourcemap: BUNDLING_DEFAULTS.sourcemap,
    sourcesContent: BUNDLING_DEFAULTS.sourcesContent,
    mainFields: [...BUNDLING_DEFAULTS.mainFields],
    banner: { js: BUNDLING_DEFAULTS.banner },
    tsconfig: projectPath('tsconfig.json'),
    external: [...options.externalModules, ...(options.nodeModules ?? [])],
    alias: Object.fromEntries(Object.entries(options.aliases).map(([name, path]) => [name, projectPath(path)])),
  });
  // The data files the deployment copies beside the bundle (read on first use, not counted in the bundle size).
  for (const { from, to } of LAMBDA_DATA_FILES) {
    mkdirSync(dirname(join(outdir, to)), { recursive: true });
    copyFileSync(projectPath(from), join(outdir, to));
  }
  const output = Object.entries(result.metafile.outputs).find(([path]) => path.endsWith('index.mjs'));
  if (!output) throw new Error(`no output for ${entry}`);
  const heavy = Object.keys(result.metafile.inputs).filter((input) => HEAVY.test(input));
  const heavyPackages = [...new Set(heavy.map((input) => input.match(HEAVY)?.[1] ?? input))];
  return { outfile, bytes: output[1].bytes, heavyPackages };
}

/** Milliseconds for a fresh Node process to import an installed package (what its first use adds), median of 3. */
function moduleLoadMs(name: string): number {
  const script = `const t0 = performance.now(); await import(${JSON.stringify(name)}); console.log(performance.now() - t0);`;
  const samples = [0, 1, 2].map(() => {
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: projectPath('.'),
      encoding: 'utf8',
      timeout: 60_000,
    });
    return Number(child.stdout.trim().split('\n').pop());
  });
  samples.sort((a, b) => a - b);
  return samples[1] ?? Number.NaN;
}

/** Milliseconds to import the bundle in a fresh Node process (its cold-start code included); median of RUNS. */
function importMs(outfile: string, environment: Record<string, string>): { median: number; error?: string } {
  const script = `const t0 = performance.now();
try { await import(${JSON.stringify(pathToFileURL(outfile).href)}); }
catch (e) { console.log(JSON.stringify({ error: String(e && e.message || e).slice(0, 160) })); process.exit(0); }
console.log(JSON.stringify({ ms: performance.now() - t0 })); process.exit(0);`;
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const child = spawnSync(process.execPath, ['--enable-source-maps', '--input-type=module', '-e', script], {
      env: { PATH: process.env.PATH ?? '', ...FAKE_ENV, ...environment },
      encoding: 'utf8',
      timeout: 30_000,
    });
    const line = child.stdout.trim().split('\n').pop() ?? '';
    let parsed: { ms?: number; error?: string } = {};
    try {
      parsed = JSON.parse(line);
    } catch {
      parsed = { error: (child.stderr || line || 'no output').trim().slice(0, 160) };
    }
    if (parsed.error !== undefined) return { median: Number.NaN, error: parsed.error };
    samples.push(parsed.ms ?? Number.NaN);
  }
  samples.sort((a, b) => a - b);
  return { median: samples[Math.floor(samples.length / 2)] ?? Number.NaN };
}

const pad = (text: string, width: number) => text.padEnd(width);
const kb = (bytes: number) => `${(bytes / KB).toFixed(0)} KB`;
const mark = (ok: boolean) => (ok ? 'pass' : 'FAIL');

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'promptpulse-cold-start-'));
  try {
    const baselineEntry = join(work, 'baseline.ts');
    writeFileSync(baselineEntry, 'export const handler = async () => ({ statusCode: 200 });\n');
    const baselineBundle = await bundle(baselineEntry, join(work, 'baseline'), { externalModules: [], aliases: {} });
    const baseline = importMs(baselineBundle.outfile, {});

    const functions = functionsOfApp();
    console.log(
      `Cold-start budget: ${functions.length} bundles, import+init median of ${RUNS} fresh Node ${process.version} processes; ` +
        `baseline (empty handler) ${baseline.median.toFixed(1)} ms, ${kb(baselineBundle.bytes)}\n`,
    );
    const header = `${pad('function', 34)}${pad('path', 6)}${pad('size', 10)}${pad('init ms', 10)}${pad('x base', 8)}${pad('size≤budget', 13)}${pad('≤1 MB', 7)}${pad('init≤150', 10)}heavy deps`;
    console.log(header);
    console.log('-'.repeat(header.length + 10));
    let failures = 0;
    for (const [index, fn] of functions.entries()) {
      const built = await bundle(projectPath(fn.entry), join(work, String(index)), fn);
      const init = importMs(built.outfile, fn.environment);
      const apiPath = API_PATH_SERVICES.has(fn.environment.POWERTOOLS_SERVICE_NAME ?? fn.serviceName);
      const sizeOk = built.bytes <= (apiPath ? TARGETS.apiBundleBytes : TARGETS.bundleBytes);
      const mbOk = built.bytes <= TARGETS.bundleBytes;
      const initOk = Number.isFinite(init.median) && init.median <= TARGETS.initMs;
      const heavyOk =
        !apiPath ||
        built.heavyPackages.length === 0 ||
        fn.environment.POWERTOOLS_SERVICE_NAME === 'promptpulse-analytics';
      // For background functions the size budget is the 1 MB one: count it once.
      failures += [sizeOk, apiPath ? mbOk : true, initOk, heavyOk].filter((ok) => !ok).length;
      const name = fn.names.length > 1 ? `${fn.names[0]} (+${fn.names.length - 1})` : (fn.names[0] ?? fn.entry);
      console.log(
        `${pad(name.slice(0, 33), 34)}${pad(apiPath ? 'api' : 'bg', 6)}${pad(kb(built.bytes), 10)}` +
          `${pad(Number.isFinite(init.median) ? init.median.toFixed(1) : 'error', 10)}` +
          `${pad(Number.isFinite(init.median) ? (init.median / baseline.median).toFixed(1) : '-', 8)}` +
          `${pad(`${mark(sizeOk)} (${apiPath ? '250K' : '1M'})`, 13)}${pad(mark(mbOk), 7)}${pad(mark(initOk), 10)}` +
          `${built.heavyPackages.length ? built.heavyPackages.join('+') : 'none'}${heavyOk ? '' : ' FAIL'}` +
          `${fn.nodeModules.length ? ` (installed: ${fn.nodeModules.join(', ')})` : ''}`,
      );
      if (init.error) console.log(`    import failed: ${init.error}`);
      if (fn.nodeModules.length > 0) {
        // Not in the bundle nor in its init: paid by the first request that needs them, measured here apart.
        const firstUse = fn.nodeModules.map((name) => `${name} ${moduleLoadMs(name).toFixed(0)} ms`).join(', ');
        console.log(`    installed, loaded on first use: ${firstUse}`);
      }
    }
    console.log(
      `\n${failures === 0 ? 'All targets met.' : `${failures} target(s) missed.`} Targets: API-path bundle ≤ 250 KB, ` +
        'every bundle ≤ 1 MB, import+init ≤ 150 ms, no snowflake-sdk/DuckDB in API-path bundles (the analytics ' +
        'function exists to hold them).',
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
