/**
 * The post-deploy smoke test's steps (docs/deploy.md, "Smoke test"): the product's main path once, through the
 * public API and WebSocket of a deployed stage (or the local stack), each step timed. It works in the test user's
 * own workspace, creates one brand and removes it at the end whatever happened.
 */
import { WebSocket } from 'ws';
import { type PushMessage, PushMessageSchema } from '../../shared/contracts/runs.ts';
import { webSocketProtocols } from '../../shared/contracts/websocket-auth.ts';

/** Where to run: the stage's endpoints and a way to sign the test user in. */
export interface SmokeTarget {
  name: string;
  /** The HTTP API's base URL, without a trailing slash. */
  apiUrl: string;
  websocketUrl: string;
  /** An access token of the test user, carrying its workspace's tenant claim. */
  signIn(): Promise<string>;
  /** A CRM webhook receiver to sync a test action to. @default - the action-sync step is skipped */
  crm?: { webhookUrl: string; secret: string };
}

export interface SmokeOptions {
  /** The provider to ask (its default model in the catalogue). @default - the first the catalogue offers */
  provider?: string;
  /** How long the run may take to finish. @default 5 minutes */
  runTimeoutMs?: number;
  /** How long the warehouse may take to show the answer (Firehose buffers, then materializes). @default 20 minutes */
  analyticsTimeoutMs?: number;
  /** Poll interval of the eventually-consistent reads. @default 2 s */
  pollMs?: number;
}

export interface StepResult {
  step: string;
  ok: boolean;
  ms: number;
  detail: string;
}

class SmokeFailure extends Error {}

/** A JSON call to the API; throws with the status and the API's error message unless the status is expected. */
async function api<T = Record<string, unknown>>(
  target: SmokeTarget,
  method: string,
  path: string,
  token: string | null,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<T> {
  const response = await fetch(`${target.apiUrl}${path}`, {
    method,
    headers: {
      ...headers,
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (response.status >= 300) {
    throw new SmokeFailure(`${method} ${path} answered ${response.status}: ${text.slice(0, 300)}`);
  }
  return (text ? JSON.parse(text) : {}) as T;
}

/** Polls `read` until `done` holds or the time is up; returns the last value and whether it held. */
async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs: number, pollMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new SmokeFailure(`not there after ${Math.round(timeoutMs / 1000)} s`);
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

/** A push connection collecting every message, so a message sent before anyone waits for it is not lost. */
function openPush(url: string, token: string): Promise<{ socket: WebSocket; messages: PushMessage[] }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, webSocketProtocols(token));
    const messages: PushMessage[] = [];
    socket.on('message', (data) => {
      const parsed = PushMessageSchema.safeParse(JSON.parse(data.toString()));
      if (parsed.success) messages.push(parsed.data);
    });
    socket.once('open', () => resolve({ socket, messages }));
    socket.once('unexpected-response', (_request, response) =>
      reject(new SmokeFailure(`the WebSocket handshake was refused with ${response.statusCode}`)),
    );
    socket.once('error', reject);
  });
}

const utcDay = (date: Date) => date.toISOString().slice(0, 10);

/**
 * Runs every step in order and stops at the first failure (later steps depend on earlier ones); the clean-up
 * always runs. Each result is reported as it happens.
 */
export async function runSmoke(
  target: SmokeTarget,
  options: SmokeOptions = {},
  report: (result: StepResult) => void = () => undefined,
): Promise<StepResult[]> {
  const results: StepResult[] = [];
  const pollMs = options.pollMs ?? 2000;
  const step = async <T>(name: string, work: () => Promise<{ value: T; detail: string }>): Promise<T> => {
    const started = performance.now();
    try {
      const { value, detail } = await work();
      const result = { step: name, ok: true, ms: Math.round(performance.now() - started), detail };
      results.push(result);
      report(result);
      return value;
    } catch (error) {
      const result = {
        step: name,
        ok: false,
        ms: Math.round(performance.now() - started),
        detail: (error as Error).message,
      };
      results.push(result);
      report(result);
      throw new SmokeFailure(name);
    }
  };

  let token = '';
  let brandId: string | null = null;
  let push: Awaited<ReturnType<typeof openPush>> | null = null;
  const today = utcDay(new Date());
  try {
    await step('health', async () => {
      const health = await api<{ status: string; version?: string }>(target, 'GET', '/health', null);
      return { value: null, detail: `${health.status}, version ${health.version ?? 'unknown'}` };
    });
    token = await step('sign in', async () => ({ value: await target.signIn(), detail: 'test user signed in' }));
    await step('workspace', async () => {
      const me = await api<{ email?: string; workspace?: { name?: string } | null }>(target, 'GET', '/me', token);
      if (!me.workspace) throw new SmokeFailure('the test user belongs to no workspace (docs/deploy.md, Smoke test)');
      return { value: null, detail: `"${me.workspace.name}"` };
    });
    brandId = await step('create brand', async () => {
      const brand = await api<{ id: string }>(target, 'POST', '/brands', token, {
        name: `Smoke test ${new Date().toISOString().slice(0, 19)}`,
        category: 'Project management software',
        competitors: [],
        topics: [],
      });
      return { value: brand.id, detail: brand.id };
    });
    const id = brandId;
    await step('prompt set', async () => {
      // If-Match: the version edited, "0" for a brand's first prompt set (GET answers 404 until then).
      const current = await api<{ version: number }>(target, 'GET', `/brands/${id}/prompt-set`, token).catch(
        (error: Error) => {
          if (error.message.includes(' answered 404')) return { version: 0 };
          throw error;
        },
      );
      await api(
        target,
        'PUT',
        `/brands/${id}/prompt-set`,
        token,
        { prompts: [{ text: 'Which project management tools would you recommend for a small marketing team?' }] },
        { 'if-match': `"${current.version}"` },
      );
      return { value: null, detail: '1 prompt' };
    });
    const provider = await step('run settings', async () => {
      const settings = await api<{
        providers: { provider: string; model: string; surface: string; enabled: boolean }[];
        version?: number;
      }>(target, 'GET', `/brands/${id}/run-settings`, token);
      // The brand's first enabled provider, else the chosen (or first) provider's default model in the catalogue.
      let first = settings.providers.find((p) => p.enabled && (!options.provider || p.provider === options.provider));
      if (!first) {
        const catalogue = await api<{ providers: { provider: string; defaultModel: string | null }[] }>(
          target,
          'GET',
          '/model-catalogue',
          token,
        );
        const offered = catalogue.providers.find(
          (p) => p.defaultModel && (!options.provider || p.provider === options.provider),
        );
        if (!offered?.defaultModel)
          throw new SmokeFailure(`no model is offered for ${options.provider ?? 'any provider'}`);
        first = { provider: offered.provider, model: offered.defaultModel, surface: 'api', enabled: true };
      }
      // One provider, one sample: the smallest run that crosses every stage of the fan-out.
      await api(
        target,
        'PUT',
        `/brands/${id}/run-settings`,
        token,
        { providers: [{ ...first, enabled: true }], samplesPerPrompt: 1, schedule: { kind: 'manual' } },
        settings.version === undefined ? {} : { 'if-match': `"${settings.version}"` },
      );
      return { value: first, detail: `${first.provider} ${first.model} (${first.surface})` };
    });
    push = await step('push connected', async () => ({
      value: await openPush(target.websocketUrl, token),
      detail: '',
    }));
    const pushed = push;
    const runId = await step('run started', async () => {
      const started = await api<{ runId: string; status: string }>(target, 'POST', `/brands/${id}/runs`, token);
      return { value: started.runId, detail: `${started.runId} (${started.status})` };
    });
    await step('run completed (push)', async () => {
      const message = await eventually(
        async () => pushed.messages.find((m) => m.type === 'run.completed' && m.run.id === runId),
        (found) => found !== undefined,
        options.runTimeoutMs ?? 5 * 60_000,
        250,
      );
      const run = message?.type === 'run.completed' ? message.run : null;
      if (run?.status !== 'succeeded') {
        throw new SmokeFailure(`the run ended ${run?.status ?? 'unknown'} (${JSON.stringify(run?.counts ?? {})})`);
      }
      return { value: null, detail: `${run.status} via ${provider.provider}` };
    });
    await step('metrics', async () => {
      const metrics = await eventually(
        () => api<{ n: number }>(target, 'GET', `/brands/${id}/metrics?from=${today}&to=${today}`, token),
        (m) => m.n >= 1,
        60_000,
        pollMs,
      );
      return { value: null, detail: `${metrics.n} analysed answer(s) today` };
    });
    await step('analytics (warehouse)', async () => {
      const trends = await eventually(
        () =>
          api<{ rows: unknown[] }>(target, 'GET', `/brands/${id}/analytics/trends?from=${today}&to=${today}`, token),
        (page) => page.rows.length > 0,
        options.analyticsTimeoutMs ?? 20 * 60_000,
        pollMs,
      );
      return { value: null, detail: `${trends.rows.length} row(s) in today's trend` };
    });
    const crm = target.crm;
    if (crm) {
      await step('action sync (CRM)', async () => {
        const integration = await api<{ id: string }>(target, 'POST', '/integrations', token, {
          name: 'Smoke test receiver',
          kind: 'webhook',
          url: crm.webhookUrl,
          secret: crm.secret,
        });
        try {
          const delivery = await api<{ status: string; reason: string | null }>(
            target,
            'POST',
            `/integrations/${integration.id}/test`,
            token,
          );
          if (delivery.status !== 'delivered') {
            throw new SmokeFailure(`the test delivery ended ${delivery.status}: ${delivery.reason ?? ''}`);
          }
          return { value: null, detail: 'a signed test event reached the receiver' };
        } finally {
          await api(target, 'DELETE', `/integrations/${integration.id}`, token).catch(() => undefined);
        }
      });
    }
  } catch (error) {
    if (!(error instanceof SmokeFailure)) throw error;
  } finally {
    push?.socket.close();
    if (brandId) {
      const id = brandId;
      await step('clean up', async () => {
        // Deleting is guarded by the brand's version (If-Match), read just before.
        const brand = await api<{ version: number }>(target, 'GET', `/brands/${id}`, token);
        await api(target, 'DELETE', `/brands/${id}`, token, undefined, { 'if-match': `"${brand.version}"` });
        return { value: null, detail: `brand ${id} deleted` };
      }).catch(() => undefined);
    }
  }
  return results;
}
