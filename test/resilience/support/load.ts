import autocannon from 'autocannon';
import { WebSocket } from 'ws';
import { webSocketProtocols } from '../../../shared/contracts/websocket-auth.ts';

export interface LoadFigures {
  requests: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  p50: number;
  p99: number;
  rps: number;
  /** Responses whose body named another tenant's secret. */
  leaks: number;
}

export interface LoadTarget {
  label: string;
  token: string;
  reads: string[];
  /** Strings that must never appear in this tenant's responses (the other tenant's ids and names). */
  forbidden: string[];
  /** One versioned write path (PUT with If-Match) driven sequentially by a single connection. */
  write?: { path: string; version: number; body: (i: number) => unknown };
}

/** Runs autocannon for `seconds` against `apiUrl`: a reader per tenant (GETs round-robin) and a writer per tenant. */
export async function mixedLoad(
  apiUrl: string,
  targets: LoadTarget[],
  options: { seconds: number; connections: number },
): Promise<{ readers: LoadFigures[]; writers: (LoadFigures & { finalVersion: number; ok: number })[] }> {
  const url = new URL(apiUrl);
  const base = url.pathname.replace(/\/$/, '');
  const figures = (result: autocannon.Result, leaks: number): LoadFigures => ({
    requests: result.requests.total,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    p50: result.latency.p50,
    p99: result.latency.p99,
    rps: result.requests.average,
    leaks,
  });
  const runs = targets.flatMap((target) => {
    const headers = { authorization: `Bearer ${target.token}`, 'content-type': 'application/json' };
    let leaks = 0;
    const reader = autocannon({
      url: url.origin,
      connections: options.connections,
      duration: options.seconds,
      headers,
      requests: target.reads.map((path) => ({
        method: 'GET' as const,
        path: `${base}${path}`,
        onResponse: (_status: number, body: string) => {
          if (target.forbidden.some((s) => body.includes(s))) leaks++;
        },
      })),
    }).then((r) => figures(r, leaks));
    if (!target.write) return [reader.then((r) => ({ kind: 'reader' as const, r }))];
    const write = target.write;
    let version = write.version;
    let ok = 0;
    let i = 0;
    const writer = autocannon({
      url: url.origin,
      connections: 1,
      duration: options.seconds,
      headers,
      requests: [
        {
          method: 'PUT' as const,
          path: `${base}${write.path}`,
          setupRequest: (request: Record<string, unknown>) => ({
            ...request,
            headers: { ...headers, 'if-match': `"${version}"` },
            body: JSON.stringify(write.body(i++)),
          }),
          onResponse: (status: number, body: string) => {
            if (status === 200) {
              ok++;
              version = (JSON.parse(body) as { version: number }).version;
            }
          },
        },
      ],
    }).then((r) => ({ ...figures(r, 0), finalVersion: version, ok }));
    return [reader.then((r) => ({ kind: 'reader' as const, r })), writer.then((r) => ({ kind: 'writer' as const, r }))];
  });
  const all = await Promise.all(runs);
  return {
    readers: all.filter((x) => x.kind === 'reader').map((x) => x.r),
    writers: all
      .filter((x) => x.kind === 'writer')
      .map((x) => x.r as LoadFigures & { finalVersion: number; ok: number }),
  };
}

/** A WebSocket client that keeps every frame it receives. */
export interface PushClient {
  tenant: string;
  frames: { type: string; run?: { id: string; status: string } }[];
  ws: WebSocket;
}

export function connectPushClient(wsUrl: string, token: string, tenant: string): Promise<PushClient> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(wsUrl, webSocketProtocols(token));
    const client: PushClient = { tenant, frames: [], ws };
    ws.on('message', (data) => client.frames.push(JSON.parse(data.toString())));
    ws.once('open', () => resolve(client));
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`WebSocket refused: ${res.statusCode}`)));
  });
}
