import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { TENANT_SECRET_PURPOSE } from '../../shared/infra/resources.ts';
import type { NodeFunction } from './node-function.ts';

/**
 * Lets the functions that store or read tenant secrets (integration signing secrets, webhook secrets) seal and open
 * them under `key` (functions/adapters/aws/kms-secret-sealer.ts): `SECRETS_KEY_ID` in their environment, and
 * `kms:GenerateDataKey` / `kms:Decrypt` only with the tenant-secret encryption context, so the grant cannot be used
 * for anything else the key protects. The stage's one customer managed key serves here and for the alarm topic: a
 * key per purpose would add $1 a month each (docs/cost.md), and the context condition keeps the uses apart.
 */
export function grantTenantSecretsKey(key: kms.IKey, functions: NodeFunction[]): void {
  for (const fn of functions) {
    fn.function.addEnvironment('SECRETS_KEY_ID', key.keyArn);
    fn.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: [key.keyArn],
        conditions: { StringEquals: { 'kms:EncryptionContext:purpose': TENANT_SECRET_PURPOSE } },
      }),
    );
  }
}
