import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { simulatorBaseUrls } from '#functions/adapters/providers/endpoints.ts';
import { PROVIDER_IDS, type ProviderId } from '#shared/ports/ai-provider.ts';
import { generateAnswer } from './answers.ts';
import { MarketCatalogue } from './catalogue.ts';
import {
  drawFault,
  drawLatencyMs,
  drawShape,
  type FaultConfig,
  type FaultKind,
  faultsFor,
  type ResponseShape,
  TokenBucket,
} from './faults.ts';
import {
  apiKeyOf,
  emptyCounters,
  idHeaders,
  rateLimitHeaders,
  readBody,
  requestIdOf,
  SAMPLE_HEADER,
  type SimulatorStats,
} from './http-support.ts';
import { DEMO_MARKET, type Market, type PerProvider } from './market.ts';
import { type MarketRegistration, parseMarketRegistration } from './market-control.ts';
import { createModelsEndpoints, modelAccepted, unknownModelError } from './models.ts';
import { type ErrorReply, quotaExhausted } from './protocol-errors.ts';
import {
  BadRequest,
  type Endpoint,
  type Outcome,
  parseRequest,
  renderError,
  renderSuccess,
  routeOf,
} from './protocols.ts';
import { geminiThinkingRefusal, groundingRedirectTarget, realisticLatencyMs } from './realism.ts';
import { createRng, hash32, type Rng } from './rng.ts';

export type { ProviderCounters, SimulatorStats } from './http-support.ts';

export interface ProviderSimulatorOptions {
  /** TCP port; 0 picks a free one. @default 0 */
  port?: number;
  /** @default '127.0.0.1' */
  host?: string;
  /** What the simulated assistants know. @default DEMO_MARKET */
  market?: Market;
  /** Fault injection per provider. @default {} (no faults, no latency) */
  faults?: FaultConfig;
  /** Seed of answers, ids and fault draws. @default 42 */
  seed?: number;
  /** UTC day answers are seeded with (`YYYY-MM-DD`), or a function giving it. @default today (UTC) */
  date?: string | (() => string);
  /**
   * If set, only these models are accepted per provider; others get the provider's not-found error.
   * @default the catalogue's models (models.ts), refused from their retirement date (by `date`)
   */
  models?: PerProvider<string[]>;
  /**
   * Multiplies the realistic heavy-tailed latency (realism.ts) used when the fault config sets no `latencyMs`.
   * Tests keep it small; `npm start` uses 1. @default 1
   */
  latencyScale?: number;
  /** How long a "timeout" fault holds the request before dropping the connection. @default 600000 */
  maxHangMs?: number;
  /** Wall clock in ms (token bucket, timestamps). @default Date.now */
  now?: () => number;
}

export interface ProviderSimulator {
  /** Root URL, e.g. `http://127.0.0.1:4010` (what `PROVIDER_SIMULATOR_URL` takes). */
  url: string;
  /** Base URL per provider, in the form each SDK takes. */
  baseUrls: Record<ProviderId, string>;
  /** Counters per provider since start (or the last `resetStats`). */
  stats(): SimulatorStats;
  resetStats(): void;
  /** Replaces the fault configuration (token buckets are rebuilt). */
  setFaults(faults: FaultConfig): void;
  /** Registers a workspace's market (what `PUT /_control/markets` does); prompts about it are answered from it. */
  registerMarket(registration: MarketRegistration): Market;
  /** The markets the simulator knows, by prompt placement (see catalogue.ts). */
  catalogue: MarketCatalogue;
  stop(): Promise<void>;
}

/**
 * Starts the local provider simulator: one HTTP server speaking the OpenAI (Chat Completions, Responses), Anthropic
 * Messages, Gemini generateContent and Perplexity chat completions APIs well enough for the real SDKs, with
 * deterministic answers from a configurable market and configurable faults. Prompts are treated as data only.
 */
export async function startProviderSimulator(options: ProviderSimulatorOptions = {}): Promise<ProviderSimulator> {
  const seed = options.seed ?? 42;
  const catalogue = new MarketCatalogue(options.market ?? DEMO_MARKET, seed);
  const now = options.now ?? Date.now;
  const maxHangMs = options.maxHangMs ?? 600_000;
  const latencyScale = options.latencyScale ?? 1;
  const dateOf = () =>
    typeof options.date === 'function' ? options.date() : (options.date ?? new Date(now()).toISOString().slice(0, 10));
  let faults: FaultConfig = options.faults ?? {};
  let counters = Object.fromEntries(PROVIDER_IDS.map((id) => [id, emptyCounters()])) as SimulatorStats;
  const buckets = new Map<ProviderId, TokenBucket>();
  const faultRngs = new Map<ProviderId, Rng>();
  const idRngs = new Map<ProviderId, Rng>();
  const rebuild = () => {
    buckets.clear();
    for (const id of PROVIDER_IDS) {
      const limit = faultsFor(faults, id).rateLimit;
      if (limit && limit.requestsPerSecond > 0) {
        buckets.set(id, new TokenBucket(limit.requestsPerSecond, limit.burst ?? limit.requestsPerSecond, now));
      }
      faultRngs.set(id, createRng(`${seed}|faults|${id}`));
      if (!idRngs.has(id)) idRngs.set(id, createRng(`${seed}|ids|${id}`));
    }
  };
  rebuild();
  const hanging = new Set<ServerResponse>();
  /** Text appended to the answers of prompts containing a substring (`PUT /_control/answers`); none by default. */
  let answerSuffixes: [string, string][] = [];

  const requestIdFor = (provider: ProviderId) => requestIdOf(provider, idRngs.get(provider)!);
  const rateHeaders = (provider: ProviderId, resetMs: number) =>
    rateLimitHeaders(provider, buckets.get(provider), resetMs, now);

  const send = (res: ServerResponse, status: number, headers: Record<string, string>, body: string) => {
    if (res.destroyed || res.writableEnded) return;
    res.writeHead(status, {
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(body)),
      ...headers,
    });
    res.end(body);
  };

  const modelsEndpoints = createModelsEndpoints({
    today: dateOf,
    apiKey: apiKeyOf,
    error: (provider, status, message) => renderError(provider, status, message, requestIdFor(provider)),
    send,
  });

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://simulator');
    if (await modelsEndpoints(req, res, url)) return;
    if (req.method === 'GET' && url.pathname === '/health') {
      send(res, 200, {}, JSON.stringify({ ok: true }));
      return;
    }
    // Operator/test control (loopback only, like the simulator): change faults or read counters at run time.
    if (url.pathname === '/_control/stats' && req.method === 'GET') {
      send(res, 200, {}, JSON.stringify(counters));
      return;
    }
    if (url.pathname === '/_control/answers' && req.method === 'PUT') {
      // Hostile-content tests: `{ "suffixes": { "<substring of a prompt>": "<text appended to its answers>" } }`.
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      try {
        const parsed = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as { suffixes?: unknown };
        answerSuffixes = Object.entries((parsed.suffixes ?? {}) as Record<string, unknown>).filter(
          (entry): entry is [string, string] => entry[0].length > 0 && typeof entry[1] === 'string',
        );
        send(res, 204, {}, '');
      } catch {
        send(res, 400, {}, JSON.stringify({ error: { message: 'answers control must be JSON' } }));
      }
      return;
    }
    if (url.pathname === '/_control/markets' && req.method === 'PUT') {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const parsed = parseMarketRegistration(Buffer.concat(chunks).toString('utf8'));
      if ('error' in parsed) send(res, 400, {}, JSON.stringify({ error: { message: parsed.error } }));
      else {
        const built = catalogue.register(parsed.key, parsed.spec);
        send(
          res,
          200,
          {},
          JSON.stringify({
            key: parsed.key,
            category: built.category,
            brands: built.brands.map((b) => b.name),
            note: built.note ?? null,
          }),
        );
      }
      return;
    }
    if (url.pathname === '/_control/faults' && req.method === 'PUT') {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      try {
        faults = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as FaultConfig;
        rebuild();
        send(res, 204, {}, '');
      } catch {
        send(res, 400, {}, JSON.stringify({ error: { message: 'faults must be JSON' } }));
      }
      return;
    }
    // Gemini's grounding redirects (`https://vertexaisearch.cloud.google.com/grounding-api-redirect/<token>`),
    // served here under /vertexaisearch: a 302 to the source page, as Google answers.
    const redirect = /^\/vertexaisearch\/grounding-api-redirect\/([A-Za-z0-9_-]+)$/.exec(url.pathname);
    if (redirect && (req.method === 'GET' || req.method === 'HEAD')) {
      const target = groundingRedirectTarget(redirect[1]!);
      counters.gemini.redirects++;
      if (!target) {
        send(res, 404, { 'content-type': 'text/html' }, '');
        return;
      }
      res.writeHead(302, { location: target, 'content-length': '0' });
      res.end();
      return;
    }
    const route = routeOf(req.method ?? 'GET', url.pathname);
    if (!route) {
      send(res, 404, {}, JSON.stringify({ error: { message: `No route ${req.method} ${url.pathname}` } }));
      return;
    }
    const { provider, endpoint } = route;
    const count = counters[provider];
    count.requests++;
    const requestId = requestIdFor(provider);
    const reject = (status: number, message: string) => {
      count.rejected++;
      send(
        res,
        status,
        idHeaders(provider, requestId),
        JSON.stringify(renderError(provider, status, message, requestId)),
      );
    };
    const replyError = (reply: ErrorReply, headers: Record<string, string> = {}) => {
      const body = provider === 'anthropic' ? { ...reply.body, request_id: requestId } : reply.body;
      send(res, reply.status, { ...idHeaders(provider, requestId), ...headers }, JSON.stringify(body));
    };

    const raw = await readBody(req);
    if (raw === null) return reject(413, 'Request too large');
    const key = apiKeyOf(provider, req, url);
    if (!key) return reject(401, 'Missing API key');
    if (key.startsWith('invalid')) return reject(401, 'Incorrect API key provided');
    let body: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(raw);
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
        throw new BadRequest('body must be an object');
      body = parsed as Record<string, unknown>;
    } catch {
      return reject(400, 'We could not parse the JSON body of your request.');
    }
    let request: ReturnType<typeof parseRequest>;
    try {
      request = parseRequest(endpoint, body, route.model);
    } catch (error) {
      return reject(400, error instanceof BadRequest ? error.message : 'Invalid request');
    }
    // Unknown or (by the simulator's date) retired models get the provider's own not-found error (models.ts).
    const allowed = options.models?.[provider] ?? options.models?.default;
    if (allowed ? !allowed.includes(request.model) : !modelAccepted(provider, request.model, dateOf())) {
      const notFound = unknownModelError(provider, request.model, requestId);
      count.rejected++;
      return send(res, notFound.status, idHeaders(provider, requestId), JSON.stringify(notFound.body));
    }
    const thinkingRefusal =
      provider === 'gemini' ? geminiThinkingRefusal(request.model, request.thinking?.thinkingBudget) : null;
    if (thinkingRefusal) return reject(400, thinkingRefusal);

    const bucket = buckets.get(provider);
    const waitMs = bucket ? bucket.take() : 0;
    const providerFaults = faultsFor(faults, provider);
    if (waitMs > 0) {
      count.rateLimited++;
      return sendThrottle(res, provider, requestId, waitMs);
    }
    const rng = faultRngs.get(provider)!;
    const fault = drawFault(providerFaults, rng);
    const configured = drawLatencyMs(providerFaults, rng);
    const realistic = realisticLatencyMs(provider, request.surface, rng, latencyScale);
    const latencyMs = configured ?? realistic;
    const shape = drawShape(providerFaults, rng);
    if (fault === 'quota') {
      count.quota++;
      return replyError(quotaExhausted(provider, request.model), rateHeaders(provider, 0));
    }
    if (fault === 'throttled') {
      count.throttled++;
      return sendThrottle(res, provider, requestId, (providerFaults.retryAfterSeconds ?? 1) * 1000);
    }
    if (fault === 'timeout') {
      count.timeouts++;
      hanging.add(res);
      const timer = setTimeout(() => res.destroy(), maxHangMs);
      res.on('close', () => {
        clearTimeout(timer);
        hanging.delete(res);
      });
      return;
    }
    if (latencyMs > 0) {
      await new Promise((resolve) => setTimeout(resolve, latencyMs));
      if (res.destroyed) return;
    }
    respond(res, { provider, endpoint, request, requestId, fault, shape });
  };

  const sendThrottle = (res: ServerResponse, provider: ProviderId, requestId: string, waitMs: number) => {
    const seconds = Math.max(1, Math.ceil(waitMs / 1000));
    send(
      res,
      429,
      {
        ...idHeaders(provider, requestId),
        ...rateHeaders(provider, waitMs),
        'retry-after': String(seconds),
        ...(provider === 'openai' || provider === 'perplexity' ? { 'retry-after-ms': String(waitMs) } : {}),
      },
      JSON.stringify(
        renderError(
          provider,
          429,
          provider === 'anthropic'
            ? 'Number of request tokens has exceeded your per-minute rate limit'
            : 'Rate limit reached for requests. Please try again later.',
          requestId,
          { retryAfterSeconds: seconds },
        ),
      ),
    );
  };

  const respond = (
    res: ServerResponse,
    exchange: {
      provider: ProviderId;
      endpoint: Endpoint;
      request: ReturnType<typeof parseRequest>;
      requestId: string;
      fault: FaultKind | null;
      shape: ResponseShape;
    },
  ) => {
    const { provider, endpoint, request, requestId, fault, shape } = exchange;
    const count = counters[provider];
    const headers = { ...idHeaders(provider, requestId), ...rateHeaders(provider, 0) };
    if (fault === 'server-error' || fault === 'unavailable') {
      const status = fault === 'server-error' ? 500 : provider === 'anthropic' ? 529 : 503;
      if (fault === 'server-error') count.serverErrors++;
      else count.unavailable++;
      const message =
        status === 529 ? 'Overloaded' : status === 503 ? 'The service is currently unavailable.' : 'Internal error';
      send(res, status, headers, JSON.stringify(renderError(provider, status, message, requestId)));
      return;
    }
    const sampleHeader = res.req.headers[SAMPLE_HEADER];
    const sampleIndex = Number.parseInt(typeof sampleHeader === 'string' ? sampleHeader : '0', 10) || 0;
    const answer = generateAnswer(
      {
        prompt: request.prompt,
        provider,
        model: request.model,
        sampleIndex,
        date: dateOf(),
        surface: request.surface,
        seed,
      },
      catalogue.resolve(request.prompt),
    );
    for (const [needle, suffix] of answerSuffixes) {
      if (request.prompt.includes(needle)) answer.text = `${answer.text}\n\n${suffix}`;
    }
    const outcome: Outcome = fault === 'refusal' ? 'refusal' : fault === 'empty' ? 'empty' : 'answer';
    const body = JSON.stringify(
      renderSuccess({
        provider,
        endpoint,
        request,
        answer,
        outcome,
        requestId,
        rng: createRng(hash32(`${seed}|${requestId}`)),
        nowSeconds: Math.floor(now() / 1000),
        shape,
      }),
    );
    if (fault === 'truncated') {
      count.truncated++;
      // Promise the whole body, deliver part of it, drop the connection: what a dying proxy does.
      res.writeHead(200, {
        'content-type': 'application/json',
        'content-length': String(Buffer.byteLength(body)),
        ...headers,
      });
      res.write(body.slice(0, Math.floor(body.length / 2)), () => res.destroy());
      return;
    }
    if (fault === 'malformed') {
      count.malformed++;
      send(res, 200, headers, `${body.slice(0, Math.floor(body.length / 3))}<!-- upstream reset -->`);
      return;
    }
    if (outcome === 'refusal') count.refusals++;
    else if (outcome === 'empty') count.empty++;
    else count.answers++;
    if (/"stop_reason":"pause_turn"/.test(body)) count.pausedTurns++;
    if (/"web_search_tool_result_error"/.test(body)) count.searchErrors++;
    if (/"finish(?:_r|R)eason":"(?:length|MAX_TOKENS)"|"stop_reason":"max_tokens"|"status":"incomplete"/.test(body))
      count.cutOff++;
    send(res, 200, headers, body);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) send(res, 500, {}, JSON.stringify({ error: { message: 'simulator failure' } }));
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const root = `http://${options.host ?? '127.0.0.1'}:${address.port}`;

  return {
    url: root,
    baseUrls: simulatorBaseUrls(root),
    stats: () => structuredClone(counters),
    resetStats: () => {
      counters = Object.fromEntries(PROVIDER_IDS.map((id) => [id, emptyCounters()])) as SimulatorStats;
    },
    setFaults: (next) => {
      faults = next;
      rebuild();
    },
    registerMarket: (registration) => catalogue.register(registration.key, registration.spec),
    catalogue,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const res of hanging) res.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
