import '../../local/env-defaults.ts';
import type { TestProject } from 'vitest/node';
import { type LocalStack, startLocalStack } from '../../local/stack.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    stack: {
      url: string;
      apiUrl: string;
      issuerUrl: string;
      clientId: string;
      dynamodbEndpoint: string;
      signingKey: Record<string, unknown>;
      demoTenantId: string;
    };
  }
}

let stack: LocalStack | undefined;

/** Starts the real embedded stack once for the integration run, on free ports, in memory. */
export async function setup(project: TestProject) {
  stack = await startLocalStack({ dataDir: null, ports: { gateway: 0, dynamodb: 0, kinesis: 0, s3: 0 } });
  project.provide('stack', {
    url: stack.url,
    apiUrl: stack.apiUrl,
    issuerUrl: stack.issuerUrl,
    clientId: stack.clientId,
    dynamodbEndpoint: stack.endpoints.dynamodb,
    signingKey: stack.issuer.signingKey as Record<string, unknown>,
    demoTenantId: stack.demoTenantId ?? '',
  });
}

export async function teardown() {
  await stack?.stop();
}
