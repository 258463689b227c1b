import type { JWK } from 'jose';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { WebSocket } from 'ws';
import { webSocketProtocols } from '../../shared/contracts/websocket-auth.ts';
import { call } from '../support/api.ts';
import { type BadTokenContext, badTokens, goodToken } from '../support/bad-tokens.ts';
import { signInWithPassword } from '../support/oidc-flow.ts';
import { record } from './support/ledger.ts';
import { PROTECTED_ROUTES, routeKey, sampleRequest, urlOf } from './support/routes.ts';
import { pool, type TenantWorld, twoTenants } from './support/world.ts';

const stack = inject('stack');
let ctx: BadTokenContext;
let a: TenantWorld;

beforeAll(async () => {
  ({ a } = await twoTenants(stack));
  const tokens = await signInWithPassword(stack.url, 'owner@demo.promptpulse.local', 'demo-owner-pass');
  ctx = {
    signingKey: stack.signingKey as JWK,
    issuerUrl: stack.issuerUrl,
    clientId: stack.clientId,
    sub: JSON.parse(Buffer.from(tokens.access_token.split('.')[1] ?? '', 'base64url').toString()).sub,
    tenantId: stack.demoTenantId,
    idToken: tokens.id_token,
  };
});

/** Opens a WebSocket; resolves with the handshake status (101 when accepted, then closes it). */
function handshakeStatus(token: string): Promise<number> {
  const url = `${stack.url.replace(/^http/, 'ws')}/ws`;
  return new Promise((resolve, reject) => {
    const ws = token ? new WebSocket(url, webSocketProtocols(token)) : new WebSocket(url);
    ws.once('unexpected-response', (_req, res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    ws.once('open', () => {
      ws.close();
      resolve(101);
    });
    ws.once('error', (error) => {
      if (!String(error.message).includes('Unexpected server response')) reject(error);
    });
  });
}

describe('authentication matrix: every protected route (discovered from the route table) × every bad token', () => {
  it('refuses each bad token with 401 and the JSON error body, and accepts the control token', async () => {
    const cases = badTokens(ctx);
    const control = await goodToken(ctx);
    const tasks = PROTECTED_ROUTES.flatMap((route) =>
      cases.map(([label, make]) => async () => {
        const sample = sampleRequest(route);
        const token = await make();
        const res = await call(stack.apiUrl, route.method, urlOf(route, a.ids), {
          ...(token ? { token } : {}),
          ...(sample.rawBody !== undefined
            ? { rawBody: sample.rawBody, contentType: sample.contentType }
            : sample.body !== undefined
              ? { body: sample.body }
              : {}),
          headers: { 'if-match': '"999"' },
        });
        return {
          key: `${routeKey(route)} with a token that is ${label}`,
          status: res.status,
          code: res.json?.error?.code,
        };
      }),
    );
    const results = await pool(tasks, 12);
    const accepted = results.filter((r) => r.status !== 401 || r.code !== 'unauthenticated');
    expect(accepted, JSON.stringify(accepted.slice(0, 10))).toEqual([]);
    // The control token gets past authentication on a read route (so a 401 above is about the defect alone).
    const me = await call(stack.apiUrl, 'GET', '/workspaces/current', { token: control });
    expect(me.status).toBe(200);
    record({
      kind: 'auth',
      name: `HTTP: ${PROTECTED_ROUTES.length} protected routes × ${cases.length} bad tokens`,
      count: results.length,
      lost: accepted.length,
    });
    console.log(
      `auth matrix: ${PROTECTED_ROUTES.length} routes × ${cases.length} bad tokens = ${results.length} refusals`,
    );
  });

  it('refuses each bad token at the WebSocket $connect, and accepts the control token', async () => {
    const cases = badTokens(ctx);
    const statuses = await Promise.all(
      cases.map(async ([label, make]) => [label, await handshakeStatus(await make())]),
    );
    for (const [label, status] of statuses) expect(status, `WebSocket with a token that is ${label}`).toBe(401);
    expect(await handshakeStatus(await goodToken(ctx))).toBe(101);
    record({ kind: 'auth', name: `WebSocket $connect × ${cases.length} bad tokens`, count: cases.length, lost: 0 });
  });
});
