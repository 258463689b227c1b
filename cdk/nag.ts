import { Stack, Validations } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference.js';
import type { IConstruct } from 'constructs';

/**
 * Acknowledges cdk-nag's `AwsSolutions-IAM5` finding for each wildcard resource of a policy, with one reason.
 *
 * cdk-nag names a finding after the resource as it resolves when the checks run, and that is only known once the
 * app is prepared: a reference to another stack becomes `Fn::GetStackOutput` naming the producing stack, and
 * `<AWS::Partition>`/`<AWS::Region>` become literals when the CLI knows the environment (`cdk synth` always does).
 * So the ids are computed then, in a construct validation (it runs after preparation and before the validation
 * plugins), with cdk-nag's own flattening; a fixed id would match in the tests and fail `cdk synth`.
 *
 * @param policy the construct holding the statements (a role's `DefaultPolicy`, an `iam.Policy`)
 * @param resources the resource ARNs (tokens welcome) as passed to the policy statements
 */
export function acknowledgeWildcardResources(policy: IConstruct, resources: string[], reason: string): void {
  policy.node.addValidation({
    validate: () => {
      for (const resource of resources) {
        const flat = flattenCfnReference(Stack.of(policy).resolve(resource));
        if (flat.includes('*'))
          Validations.of(policy).acknowledge({ id: `AwsSolutions-IAM5[Resource::${flat}]`, reason });
      }
      return [];
    },
  });
}

/**
 * Acknowledges `AwsSolutions-IAM5` for every wildcard resource in a policy whose statements are written by
 * aws-cdk-lib, not by us (e.g. the BucketDeployment handler's, or a scheduler target's `<function arn>:*`), with one
 * reason. The resources are read from the policy document when the checks run, resolved like
 * {@link acknowledgeWildcardResources} does.
 */
export function acknowledgeGeneratedWildcardResources(policy: iam.Policy, reason: string): void {
  policy.node.addValidation({
    validate: () => {
      const stack = Stack.of(policy);
      const document = stack.resolve(policy.document.toJSON()) as { Statement?: { Resource?: unknown }[] } | undefined;
      for (const statement of document?.Statement ?? []) {
        for (const resource of [statement.Resource ?? []].flat()) {
          const flat = flattenCfnReference(resource);
          if (flat.includes('*'))
            Validations.of(policy).acknowledge({ id: `AwsSolutions-IAM5[Resource::${flat}]`, reason });
        }
      }
      return [];
    },
  });
}
