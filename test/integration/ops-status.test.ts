import { describe, expect, inject, it } from 'vitest';
import { OpsStatusSchema } from '../../shared/contracts/ops.ts';
import { call } from '../support/api.ts';
import { signInWithPassword } from '../support/oidc-flow.ts';

const stack = inject('stack');

describe('GET /ops/status on the local stack (real gateway, handler and emulators)', () => {
  it('shows owners every component up, with what it stands in for, and the correlation id of the request', async () => {
    const owner = await signInWithPassword(stack.url, 'owner@demo.promptpulse.local', 'demo-owner-pass');
    const res = await call(stack.apiUrl, 'GET', '/ops/status', { token: owner.access_token });
    expect(res.status).toBe(200);
    const status = OpsStatusSchema.parse(res.json);
    const byName = Object.fromEntries(status.components.map((c) => [c.name, c]));
    for (const name of ['DynamoDB Local', 'kinesalite', 's3rver', 'Step Functions (local)', 'OIDC issuer']) {
      expect(byName[name]?.status, `${name}: ${byName[name]?.detail}`).toBe('up');
    }
    expect(byName['DynamoDB Local']?.detail).toMatch(/ACTIVE/);
    expect(byName.kinesalite?.detail).toMatch(/ACTIVE/);
    expect(status.components.every((c) => c.status !== 'down')).toBe(true);
    expect(Array.isArray(status.deadLetters)).toBe(true);
    expect(Array.isArray(status.failedRuns)).toBe(true);
  });

  it('returns the caller-supplied correlation id (or the request id) in x-correlation-id', async () => {
    const owner = await signInWithPassword(stack.url, 'owner@demo.promptpulse.local', 'demo-owner-pass');
    const supplied = await fetch(`${stack.apiUrl}/ops/status`, {
      headers: { authorization: `Bearer ${owner.access_token}`, 'x-correlation-id': 'ops-test-correlation-1' },
    });
    expect(supplied.headers.get('x-correlation-id')).toBe('ops-test-correlation-1');
    const generated = await fetch(`${stack.apiUrl}/ops/status`, {
      headers: { authorization: `Bearer ${owner.access_token}`, 'x-correlation-id': 'not valid\tid' },
    });
    expect(generated.headers.get('x-correlation-id')).toMatch(/^[A-Za-z0-9._:-]{8,128}$/);
    expect(generated.headers.get('x-correlation-id')).not.toBe('not valid\tid');
  });

  it('is refused to analysts and viewers (403) and to anonymous callers (401)', async () => {
    const viewer = await signInWithPassword(stack.url, 'viewer@demo.promptpulse.local', 'demo-viewer-pass');
    const analyst = await signInWithPassword(stack.url, 'analyst@demo.promptpulse.local', 'demo-analyst-pass');
    for (const token of [viewer.access_token, analyst.access_token]) {
      const res = await call(stack.apiUrl, 'GET', '/ops/status', { token });
      expect(res.status).toBe(403);
      expect(res.json).toMatchObject({ error: { code: 'role_not_allowed' } });
    }
    expect((await call(stack.apiUrl, 'GET', '/ops/status')).status).toBe(401);
  });
});
