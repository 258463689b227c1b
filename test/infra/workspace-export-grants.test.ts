import { describe, expect, it } from 'vitest';
import { exportKey } from '../../functions/adapters/aws/s3-workspace-export.ts';
import { defaultTemplates, logicalIdOf } from './support.ts';

type Statement = { Action: string | string[]; Resource: unknown; Condition?: Record<string, unknown> };

/**
 * The workspace export runs in the core API function (functions/adapters/aws/s3-workspace-export.ts): it must be
 * able to do exactly its calls in AWS — Scan the table, list and read the tenant's objects, write the archive (single
 * or multipart, abort on failure) under the exports prefix, sign a GET of it — and nothing else in the bucket.
 */
describe('workspace export grants on the core API function', () => {
  const { app, stateless } = defaultTemplates();
  const roleId = logicalIdOf(app.stateless.service.handler.role);
  const statements = Object.values(
    stateless.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: roleId }] } }),
  ).flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);
  const actionsOf = (s: Statement) => [s.Action].flat();
  const s3 = statements.filter((s) => actionsOf(s).some((a) => a.startsWith('s3:')));
  /** The object-key part of a resource (`<bucket arn>/<pattern>`), as the template joins it. */
  const keyPattern = (resource: unknown) => {
    const parts = (resource as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join']?.[1] ?? [];
    const last = parts[parts.length - 1];
    return typeof last === 'string' ? last.replace(/^\//, '') : null;
  };
  const matches = (pattern: string | null, key: string) =>
    pattern !== null && new RegExp(`^${pattern.split('*').map(escapeRegExp).join('.*')}$`).test(key);
  const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const allowed = (action: string, key: string) =>
    s3.some((s) => actionsOf(s).includes(action) && matches(keyPattern(s.Resource), key));

  it('lists the bucket only under tenants/', () => {
    const list = s3.filter((s) => actionsOf(s).includes('s3:ListBucket'));
    expect(list).toHaveLength(1);
    expect(list[0]?.Condition).toEqual({ StringLike: { 's3:prefix': ['tenants/*'] } });
  });

  it('reads the tenant’s raw answers and lake files, and the export it signs a link to', () => {
    const tenant = 'ws_01hz0000000000000000000000';
    expect(allowed('s3:GetObject', `tenants/${tenant}/raw-answers/2026/01/01/run/ans.json`)).toBe(true);
    expect(allowed('s3:GetObject', `tenants/${tenant}/events/2026/01/01/part.json.gz`)).toBe(true);
    expect(allowed('s3:GetObject', exportKey(tenant, 'exp_1'))).toBe(true);
    // Nothing outside tenants/ (Firehose's error prefix, anything else in the bucket).
    expect(allowed('s3:GetObject', 'errors/snowflake/2026/x.json')).toBe(false);
  });

  it('writes (single or multipart) and aborts only under tenants/<t>/exports/', () => {
    const tenant = 'ws_01hz0000000000000000000000';
    for (const action of ['s3:PutObject', 's3:AbortMultipartUpload']) {
      expect(allowed(action, exportKey(tenant, 'exp_1')), action).toBe(true);
      expect(allowed(action, `tenants/${tenant}/raw-answers/x.json`), action).toBe(false);
      expect(allowed(action, `tenants/${tenant}/events/x.json`), action).toBe(false);
    }
    expect(s3.flatMap(actionsOf).filter((a) => a.startsWith('s3:Delete'))).toEqual([]);
  });

  it('may Scan the base table (the tenant’s items have no common partition), not its indexes', () => {
    const scans = statements.filter((s) => actionsOf(s).includes('dynamodb:Scan'));
    expect(scans).toHaveLength(1);
    expect(JSON.stringify(scans[0]?.Resource)).not.toContain('/index/');
    // CDK merges it into the item statement on the same resource: the base table, one ARN.
    expect(typeof scans[0]?.Resource === 'object' && !Array.isArray(scans[0]?.Resource)).toBe(true);
  });
});
