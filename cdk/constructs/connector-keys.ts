import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';

export interface ConnectorKeysProps {
  /** @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The social/news connectors' platform credentials (Reddit app id/secret, X bearer token, Meta app token, ...):
 * one Secrets Manager secret holding JSON `{"reddit": {...}, "x": "...", ...}`. CDK creates it holding `{}`; an
 * operator puts the real values with `aws secretsmanager put-secret-value` (docs/deploy.md), so no credential is
 * in a template, the repository or a function's environment. Per-tenant connector secrets (a tenant's own webhook
 * signing secret) are data in the table, not here.
 *
 * Stateful and RETAINED in prod, like the provider keys: the values are typed in by an operator. Only the
 * functions that poll connectors may read it ({@link grantRead}).
 */
export class ConnectorKeys extends Construct {
  readonly secret: secretsmanager.Secret;

  constructor(scope: Construct, id: string, props: ConnectorKeysProps = {}) {
    super(scope, id);
    this.secret = new secretsmanager.Secret(this, 'Secret', {
      description: 'PromptPulse social/news connector platform credentials: JSON {"reddit","x","meta",...}',
      secretObjectValue: {},
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    Validations.of(this.secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'Connector credentials are issued in each platform console (Reddit, X, Meta); Secrets Manager cannot rotate ' +
        'them with a rotation function. Operators rotate by issuing a new credential there and running put-secret-value.',
    });
  }

  /** `secretsmanager:GetSecretValue`/`DescribeSecret` on this secret only. */
  grantRead(grantee: iam.IGrantable): iam.Grant {
    return this.secret.grantRead(grantee);
  }
}
