import { fromEnv } from '@aws-sdk/credential-provider-env';

/**
 * Replaces `@aws-sdk/credential-provider-node` (esbuild `alias`, cdk/constructs/node-function.ts) in every Lambda
 * bundle. Lambda always hands a function its execution role's credentials in the environment
 * (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`), the first source the SDK's default chain
 * tries; the rest of that chain (SSO, shared ini files, process, web identity, container and instance metadata, and
 * the STS/SSO clients they embed) is about 135 KB per bundle that a Lambda function never reaches but parses on
 * every cold start. Local runs are not bundled and keep the full chain.
 */
export const defaultProvider = (init: Parameters<typeof fromEnv>[0] = {}) => fromEnv(init);
