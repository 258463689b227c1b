import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import * as z from 'zod';
import type { ConnectorConfig } from '#shared/contracts/connectors.ts';
import type { ConnectorCredentials, ConnectorHttp, SignalConnector } from '#shared/ports/signal-connector.ts';
import { type OutboundPolicy, outboundPolicyFromEnv, outboundRequest } from '../http/outbound-url-guard.ts';
import { checkGraphVersion, DEFAULT_GRAPH_VERSION } from './graph-version.ts';
import { detectingLanguages } from './language.ts';
import { MetaConnector } from './meta.ts';
import { RedditConnector } from './reddit.ts';
import { RssConnector } from './rss.ts';
import { XConnector } from './x.ts';

/** Where the source APIs live. Defaults are the real hosts; the local stack points them at the replay server. */
export interface ConnectorEndpoints {
  redditAuth: string;
  redditApi: string;
  redditWeb: string;
  xApi: string;
  metaGraph: string;
  /** Graph API version (`META_GRAPH_VERSION`), checked against its end of life. */
  metaGraphVersion?: string;
}

const endpointsSchema = z.object({
  REDDIT_AUTH_URL: z.url().default('https://www.reddit.com'),
  REDDIT_API_URL: z.url().default('https://oauth.reddit.com'),
  REDDIT_WEB_URL: z.url().default('https://www.reddit.com'),
  X_API_URL: z.url().default('https://api.x.com'),
  META_GRAPH_URL: z.url().default('https://graph.facebook.com'),
  META_GRAPH_VERSION: z.string().optional(),
});

export function readConnectorEndpoints(env: Record<string, string | undefined> = process.env): ConnectorEndpoints {
  const e = endpointsSchema.parse(env);
  const trim = (s: string) => s.replace(/\/+$/, '');
  return {
    redditAuth: trim(e.REDDIT_AUTH_URL),
    redditApi: trim(e.REDDIT_API_URL),
    redditWeb: trim(e.REDDIT_WEB_URL),
    xApi: trim(e.X_API_URL),
    metaGraph: trim(e.META_GRAPH_URL),
    metaGraphVersion: graphVersionFrom(e.META_GRAPH_VERSION),
  };
}

/** The configured Graph version, or the default when it is malformed or past its end of life (said in the log). */
function graphVersionFrom(configured: string | undefined): string {
  if (!configured) return DEFAULT_GRAPH_VERSION;
  const check = checkGraphVersion(configured);
  if (!check.ok) {
    console.warn(JSON.stringify({ level: 'warn', message: `${check.error}; using ${DEFAULT_GRAPH_VERSION}` }));
    return DEFAULT_GRAPH_VERSION;
  }
  if (check.warning) console.warn(JSON.stringify({ level: 'warn', message: check.warning }));
  return configured;
}

/**
 * Every connector request goes through the outbound URL guard (docs/adr/0008-outbound-url-guard-against-ssrf.md): feed URLs are tenant input, and the
 * API hosts get the same treatment for free (https, public addresses, no redirects, bounded size and time).
 */
export function guardedHttp(policy: OutboundPolicy = outboundPolicyFromEnv()): ConnectorHttp {
  return {
    request: async (url, init) => {
      const response = await outboundRequest(
        url,
        {
          method: init.method ?? 'GET',
          ...(init.headers ? { headers: init.headers } : {}),
          ...(init.body !== undefined ? { body: init.body } : {}),
          ...(init.signal ? { signal: init.signal } : {}),
          timeoutMs: 15_000,
          maxResponseBytes: 5 * 1024 * 1024,
        },
        policy,
      );
      return { status: response.status, headers: response.headers, body: response.body, bytes: response.bytes };
    },
  };
}

const secretSchema = z.object({
  reddit: z
    .object({ clientId: z.string().min(1), clientSecret: z.string().min(1), userAgent: z.string().optional() })
    .optional(),
  x: z.object({ bearerToken: z.string().min(1) }).optional(),
  meta: z.object({ accessToken: z.string().min(1), appSecret: z.string().min(1).optional() }).optional(),
});

const DEFAULT_USER_AGENT = 'server:promptpulse:1.0 (by /u/promptpulse)';

/** Credentials from the environment (local, CI). */
export function credentialsFromEnv(env: Record<string, string | undefined> = process.env): ConnectorCredentials {
  return {
    reddit:
      env.REDDIT_CLIENT_ID && env.REDDIT_CLIENT_SECRET
        ? {
            clientId: env.REDDIT_CLIENT_ID,
            clientSecret: env.REDDIT_CLIENT_SECRET,
            userAgent: env.REDDIT_USER_AGENT ?? DEFAULT_USER_AGENT,
          }
        : null,
    x: env.X_BEARER_TOKEN ? { bearerToken: env.X_BEARER_TOKEN } : null,
    meta: env.META_ACCESS_TOKEN
      ? { accessToken: env.META_ACCESS_TOKEN, ...(env.META_APP_SECRET ? { appSecret: env.META_APP_SECRET } : {}) }
      : null,
  };
}

/**
 * Credentials loader: in AWS `CONNECTOR_SECRET_ARN` names a Secrets Manager secret (JSON
 * `{"reddit": {"clientId", "clientSecret"}, "x": {"bearerToken"}, "meta": {"accessToken"}}`), read at most every
 * 5 minutes so a rotated secret is picked up without a deploy; otherwise the environment.
 */
export function connectorCredentials(
  env: Record<string, string | undefined> = process.env,
  readSecret?: (arn: string) => Promise<string>,
): () => Promise<ConnectorCredentials> {
  const arn = env.CONNECTOR_SECRET_ARN;
  if (!arn) {
    const fromEnv = credentialsFromEnv(env);
    return async () => fromEnv;
  }
  const read =
    readSecret ??
    (async (secretId: string) => {
      const client = new SecretsManagerClient({ region: env.AWS_REGION ?? 'us-east-1' });
      const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
      return SecretString ?? '{}';
    });
  let cached: { at: number; value: Promise<ConnectorCredentials> } | null = null;
  return () => {
    if (!cached || Date.now() - cached.at > 5 * 60_000) {
      const value = read(arn).then((text) => {
        const parsed = secretSchema.parse(JSON.parse(text));
        return {
          reddit: parsed.reddit ? { ...parsed.reddit, userAgent: parsed.reddit.userAgent ?? DEFAULT_USER_AGENT } : null,
          x: parsed.x ?? null,
          meta: parsed.meta ?? null,
        };
      });
      value.catch(() => {
        cached = null;
      });
      cached = { at: Date.now(), value };
    }
    return cached.value;
  };
}

export type ConnectorRegistry = (source: Exclude<ConnectorConfig['source'], 'webhook'>) => SignalConnector;

/** One adapter per source, sharing the HTTP client and credentials (Reddit keeps its token between polls). */
export function createConnectorRegistry(options: {
  http: ConnectorHttp;
  credentials: () => Promise<ConnectorCredentials>;
  endpoints: ConnectorEndpoints;
  /** The clock backfill windows and rate-limit resets are measured on (tests drive a simulated one). */
  now?: () => number;
}): ConnectorRegistry {
  const { http, credentials, endpoints } = options;
  const now = options.now ?? Date.now;
  // Every source's items leave with a language: the source's tag, else detected from the text.
  const adapters = {
    reddit: detectingLanguages(
      new RedditConnector(
        http,
        async () => (await credentials()).reddit,
        {
          authBaseUrl: endpoints.redditAuth,
          apiBaseUrl: endpoints.redditApi,
          webBaseUrl: endpoints.redditWeb,
        },
        now,
      ) as SignalConnector,
    ),
    rss: detectingLanguages(new RssConnector(http) as SignalConnector),
    x: detectingLanguages(
      new XConnector(http, async () => (await credentials()).x, endpoints.xApi, now) as SignalConnector,
    ),
    meta: detectingLanguages(
      new MetaConnector(
        http,
        async () => (await credentials()).meta,
        endpoints.metaGraph,
        now,
        endpoints.metaGraphVersion,
      ) as SignalConnector,
    ),
  };
  return (source) => adapters[source] as SignalConnector;
}
