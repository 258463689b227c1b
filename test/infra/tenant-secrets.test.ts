import { describe, expect, it } from 'vitest';
import { TENANT_SECRET_PURPOSE } from '../../shared/infra/resources.ts';
import { defaultTemplates, logicalIdOf } from './support.ts';

type Statement = { Action: string | string[]; Resource: unknown; Condition?: Record<string, Record<string, string>> };
type Resource = { Type: string; Properties: Record<string, unknown> };

describe('tenant secrets sealed under the stage key', () => {
  const { app, stateless } = defaultTemplates();
  const resources = stateless.toJSON().Resources as Record<string, Resource>;
  const sealing = [
    app.stateless.service.actions,
    app.stateless.service.connectors,
    app.stateless.actionSync.deliver,
    app.stateless.actionSync.engine,
    app.stateless.actionSync.daily,
  ];

  const kmsStatements = (roleId: string): Statement[] =>
    Object.values(resources)
      .filter((r) => r.Type === 'AWS::IAM::Policy')
      .filter((r) => JSON.stringify(r.Properties.Roles).includes(`"${roleId}"`))
      .flatMap((r) => (r.Properties.PolicyDocument as { Statement: Statement[] }).Statement)
      .filter((s) => [s.Action].flat().some((a) => a.startsWith('kms:')));

  it('gives each function that stores or reads them the key id and a grant limited to the tenant-secret context', () => {
    for (const fn of sealing) {
      const props = resources[logicalIdOf(fn.function)]?.Properties as {
        Environment: { Variables: Record<string, unknown> };
      };
      expect(props.Environment.Variables.SECRETS_KEY_ID, fn.node.path).toBeDefined();
      const statements = kmsStatements(logicalIdOf(fn.role));
      expect(statements.length, fn.node.path).toBeGreaterThan(0);
      for (const statement of statements) {
        expect([statement.Action].flat().sort()).toEqual(['kms:Decrypt', 'kms:GenerateDataKey']);
        expect(statement.Condition).toEqual({
          StringEquals: { 'kms:EncryptionContext:purpose': TENANT_SECRET_PURPOSE },
        });
      }
    }
  });

  it('gives the key to no function that does not need it', () => {
    const others = [app.stateless.service.analytics, app.stateless.service.docs, app.stateless.service.handler];
    for (const fn of others) {
      const props = resources[logicalIdOf(fn.function)]?.Properties as {
        Environment: { Variables: Record<string, unknown> };
      };
      expect(props.Environment.Variables.SECRETS_KEY_ID, fn.node.path).toBeUndefined();
      expect(kmsStatements(logicalIdOf(fn.role)), fn.node.path).toEqual([]);
    }
  });
});
