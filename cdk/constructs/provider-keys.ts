import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';

/**
 * The AI providers' API keys: one Secrets Manager secret holding JSON `{"openai": "...", "anthropic": "...",
 * "gemini": "...", "perplexity": "..."}` (the shape `withSecretKeys` in `functions/adapters/providers/registry.ts`
 * reads). CDK creates it holding `{}`; an operator puts the real keys with `aws secretsmanager put-secret-value`
 * (docs/deploy.md), so no key is ever in a template, in the repository or in a function's environment.
 *
 * Stateful: the keys are data an operator entered by hand, so the secret is RETAINED and lives in the stateful
 * stack, where redeploying or destroying the compute cannot lose it. Only the Ask step and the model catalogue refresh
 * (which lists the providers' models) may read it.
 */
export interface ProviderKeysProps {
  /** @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
}

export class ProviderKeys extends Construct {
  readonly secret: secretsmanager.Secret;

  constructor(scope: Construct, id: string, props: ProviderKeysProps = {}) {
    super(scope, id);
    this.secret = new secretsmanager.Secret(this, 'Secret', {
      description: 'PromptPulse AI provider API keys: JSON {"openai","anthropic","gemini","perplexity"}',
      // `{}` rather than a generated value: the runtime expects JSON, and no provider means "not configured yet".
      secretObjectValue: {},
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    Validations.of(this.secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'Third-party AI provider keys are issued in each provider console; Secrets Manager cannot rotate them ' +
        'with a rotation function. Operators rotate by creating a new key there and running put-secret-value.',
    });
  }

  /** `secretsmanager:GetSecretValue`/`DescribeSecret` on this secret only. */
  grantRead(grantee: iam.IGrantable): iam.Grant {
    return this.secret.grantRead(grantee);
  }
}
