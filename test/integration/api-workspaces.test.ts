import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, inject, it } from 'vitest';
import { ErrorResponseSchema, MeResponseSchema, WorkspaceSchema } from '../../shared/contracts/index.ts';
import { TENANT_CLAIM } from '../../shared/infra/resources.ts';
import { call } from '../support/api.ts';
import { decodeJwt, refreshTokens, signInWithPassword } from '../support/oidc-flow.ts';

const stack = inject('stack');

describe('workspaces through the local gateway, real handler and DynamoDB Local', () => {
  it('serves /health without a token', async () => {
    const res = await call(stack.apiUrl, 'GET', '/health');
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ status: 'ok', service: 'promptpulse-api' });
  });

  it('shows the seeded demo workspace to its owner and its viewer, with their own roles', async () => {
    const owner = await signInWithPassword(stack.url, 'owner@demo.promptpulse.local', 'demo-owner-pass');
    const viewer = await signInWithPassword(stack.url, 'viewer@demo.promptpulse.local', 'demo-viewer-pass');
    const asOwner = await call(stack.apiUrl, 'GET', '/workspaces/current', { token: owner.access_token });
    const asViewer = await call(stack.apiUrl, 'GET', '/workspaces/current', { token: viewer.access_token });
    expect(asOwner.status).toBe(200);
    expect(WorkspaceSchema.parse(asOwner.json)).toMatchObject({
      id: stack.demoTenantId,
      name: 'Acme Demo',
      role: 'owner',
    });
    expect(asViewer.json).toMatchObject({ id: stack.demoTenantId, role: 'viewer' });
    expect(decodeJwt(owner.access_token)).toMatchObject({
      token_use: 'access',
      client_id: stack.clientId,
      'cognito:groups': ['owner'],
      [TENANT_CLAIM]: stack.demoTenantId,
    });
  });

  it('takes a newcomer from no workspace to owner of a new one, with the tenant claim after refresh', async () => {
    const tokens = await signInWithPassword(stack.url, 'newcomer@demo.promptpulse.local', 'demo-newcomer-pass');
    const before = await call(stack.apiUrl, 'GET', '/me', { token: tokens.access_token });
    expect(before.status).toBe(200);
    expect(MeResponseSchema.parse(before.json)).toMatchObject({ workspace: null, tokenRefreshRequired: false });
    const noWorkspace = await call(stack.apiUrl, 'GET', '/workspaces/current', { token: tokens.access_token });
    expect(noWorkspace.status).toBe(403);
    expect(noWorkspace.json.error.code).toBe('workspace_required');

    const created = await call(stack.apiUrl, 'POST', '/workspaces', {
      token: tokens.access_token,
      body: { name: '  Newcomer Labs  ' },
    });
    expect(created.status).toBe(201);
    const workspace = WorkspaceSchema.parse(created.json);
    expect(workspace).toMatchObject({ name: 'Newcomer Labs', role: 'owner', plan: 'trial' });
    expect(workspace.id).toMatch(/^ws_[0-9a-z]{26}$/);

    // The old token predates the workspace: the API says so instead of guessing a tenant.
    const stale = await call(stack.apiUrl, 'GET', '/me', { token: tokens.access_token });
    expect(stale.json).toMatchObject({ tokenRefreshRequired: true, workspace: { id: workspace.id } });

    const again = await call(stack.apiUrl, 'POST', '/workspaces', {
      token: tokens.access_token,
      body: { name: 'Twice' },
    });
    expect(again.status).toBe(409);
    expect(again.json.error.code).toBe('workspace_exists');

    const refreshed = await refreshTokens(stack.url, tokens.refresh_token!);
    expect(decodeJwt(refreshed.access_token)[TENANT_CLAIM]).toBe(workspace.id);
    const current = await call(stack.apiUrl, 'GET', '/workspaces/current', { token: refreshed.access_token });
    expect(current.status).toBe(200);
    expect(current.json).toMatchObject({ id: workspace.id, name: 'Newcomer Labs', role: 'owner' });
  });

  it('keeps every stored tenant key prefixed by its tenant id (the user directory and rate counters aside)', async () => {
    const db = new DynamoDBClient({
      endpoint: stack.dynamodbEndpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    const { Items = [] } = await db.send(new ScanCommand({ TableName: 'promptpulse-main' }));
    db.destroy();
    expect(Items.length).toBeGreaterThanOrEqual(5);
    for (const item of Items) {
      const pk = item.pk?.S ?? '';
      // RATE#: rate-limit counters taken before a tenant is known (a webhook's connector id), no tenant data;
      // LIFECYCLE#: workspace deletions, kept outside the tenant's partitions so a purge leaves its tombstone.
      const shared = ['USER#', 'RATE#', 'LIFECYCLE#'].some((prefix) => pk.startsWith(prefix));
      expect(shared || /^ws_[0-9a-z]{26}#/.test(pk), pk).toBe(true);
    }
  });
});

describe('bad input never reaches the store and never becomes a 500', () => {
  const newUserToken = async () => {
    // A fresh account per test would need an admin API; the analyst already has a workspace, which is fine
    // for input validation, which runs before the use case.
    return (await signInWithPassword(stack.url, 'analyst@demo.promptpulse.local', 'demo-analyst-pass')).access_token;
  };

  it.each([
    ['malformed JSON', { rawBody: '{"name": ' }, 400, 'invalid_json'],
    ['a non-object body', { rawBody: '[1,2,3]' }, 400, 'invalid_body'],
    ['a too-short name', { body: { name: 'x' } }, 400, 'invalid_body'],
    [
      'a tenant id smuggled in the body',
      { body: { name: 'Sneaky', tenantId: 'ws_01aaaaaaaaaaaaaaaaaaaaaaaa' } },
      400,
      'invalid_body',
    ],
    ['a control character in the name', { body: { name: 'Bad\u0007Name' } }, 400, 'invalid_body'],
    [
      'a form-encoded body',
      { rawBody: 'name=Acme', contentType: 'application/x-www-form-urlencoded' },
      415,
      'unsupported_media_type',
    ],
    ['an oversized body', { body: { name: 'y'.repeat(300 * 1024) } }, 413, 'payload_too_large'],
  ])('refuses %s with a JSON error', async (_label, options, status, code) => {
    const res = await call(stack.apiUrl, 'POST', '/workspaces', { token: await newUserToken(), ...options });
    expect(res.status).toBe(status);
    expect(ErrorResponseSchema.parse(res.json).error.code).toBe(code);
    expect(JSON.stringify(res.json)).not.toMatch(/at \w+ \(|node_modules/);
  });

  it('answers unknown routes with 404 and wrong methods with 405 and an Allow header', async () => {
    const token = await newUserToken();
    const unknown = await call(stack.apiUrl, 'GET', '/no-such-thing', { token });
    expect(unknown.status).toBe(404);
    expect(unknown.json.error.code).toBe('route_not_found');
    const wrongMethod = await call(stack.apiUrl, 'DELETE', '/workspaces/current', { token });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.json.error.code).toBe('method_not_allowed');
    expect(wrongMethod.headers.get('allow')).toBe('GET');
  });
});
