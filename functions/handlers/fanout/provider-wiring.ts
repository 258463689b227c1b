import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { WorkerDeps } from '#shared/use-cases/runs.ts';
import {
  createProviderRegistry,
  type ProviderRegistry,
  readProvidersConfig,
  withSecretKeys,
} from '../../adapters/providers/registry.ts';
import { ConfigError, readBaseConfig } from '../../config.ts';
import { tracer } from '../../powertools.ts';

export interface ProviderWiringOptions {
  /** Reads the string of a Secrets Manager secret. @default `GetSecretValue` with the AWS SDK */
  readSecret?: (secretArn: string) => Promise<string>;
  /**
   * Start reading the keys secret during init (Ask asks on every invocation). The Analyze step passes false: it asks
   * only for brands that opted in to the sentiment judge. @default true
   */
  eager?: boolean;
}

/**
 * The AI providers of the fan-out's Ask step, from the environment: with `PROVIDER_SECRET_ARN` (AWS) the keys come
 * from Secrets Manager, otherwise (local runs) from the environment, falling back to the provider simulator.
 * Kept apart from worker-deps.ts so that only the Ask bundle carries the provider SDKs.
 */
export function providersOf(
  env: Record<string, string | undefined> = process.env,
  options: ProviderWiringOptions = {},
): WorkerDeps['providers'] {
  return env.PROVIDER_SECRET_ARN
    ? providersFromSecret(
        env,
        env.PROVIDER_SECRET_ARN,
        options.readSecret ?? secretReader(readBaseConfig(env).AWS_REGION),
        options.eager ?? true,
      )
    : lazyProviders(env);
}

/** Built on first use: only the Ask step talks to providers, and only it needs their keys. */
function lazyProviders(env: Record<string, string | undefined>): WorkerDeps['providers'] {
  let registry: ReturnType<typeof createProviderRegistry> | null = null;
  return {
    get: (id) => {
      registry ??= createProviderRegistry(readProvidersConfig(env));
      return registry.get(id);
    },
  };
}

/**
 * In AWS (`PROVIDER_SECRET_ARN` is set on the Ask function only): the keys come from the Secrets Manager secret
 * (JSON `{"openai": "...", ...}`), fetched once per cold start (the fetch starts during init) and merged over the
 * environment with `withSecretKeys`. A failed fetch or an incomplete secret fails the ask with its error (the
 * workflow records it) and is tried again by the next ask instead of poisoning the container.
 */
function providersFromSecret(
  env: Record<string, string | undefined>,
  secretArn: string,
  readSecret: (secretArn: string) => Promise<string>,
  eager: boolean,
): WorkerDeps['providers'] {
  let registry: Promise<ProviderRegistry> | null = null;
  const load = (): Promise<ProviderRegistry> => {
    if (!registry) {
      const loading = readSecret(secretArn).then((secret) =>
        createProviderRegistry(withSecretKeys(readProvidersConfig(env), secret)),
      );
      loading.catch(() => {
        if (registry === loading) registry = null;
      });
      registry = loading;
    }
    return registry;
  };
  if (eager) void load();
  return {
    get: (id) => ({ id, ask: async (request, signal) => (await load()).get(id).ask(request, signal) }),
  };
}

/** Reads a Secrets Manager secret's string (the provider keys), through the traced client. */
export function secretReader(region: string): (secretArn: string) => Promise<string> {
  const client = tracer.captureAWSv3Client(new SecretsManagerClient({ region }));
  return async (secretArn) => {
    const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: secretArn }));
    if (!SecretString) throw new ConfigError('Provider keys secret has no string value');
    return SecretString;
  };
}
