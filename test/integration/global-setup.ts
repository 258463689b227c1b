import '../../local/env-defaults.ts';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
      s3Endpoint: string;
      /** kinesalite (the canonical event stream). */
      kinesisEndpoint: string;
      /** The provider simulator; `PUT <url>/_control/faults` changes its faults at run time. */
      simulatorUrl: string;
      signingKey: Record<string, unknown>;
      demoTenantId: string;
      /** Where invitation "emails" land: `<dir>/<email>` holds the temporary password. */
      invitationsDir: string;
      /** The local mail catcher's page (`/messages.json` lists what the stack mailed). */
      mailUrl: string;
      /** The EventBridge stand-in (API destinations, `GET /_dead-letters`). */
      eventBridgeEndpoint: string;
    };
  }
}

let stack: LocalStack | undefined;

/** Starts the real embedded stack once for the integration run, on free ports, in memory. */
export async function setup(project: TestProject) {
  const invitationsDir = mkdtempSync(join(tmpdir(), 'promptpulse-invitations-'));
  stack = await startLocalStack({
    dataDir: null,
    ports: { gateway: 0, dynamodb: 0, kinesis: 0, s3: 0 },
    schedulerIntervalMs: null,
    // The lake writer flushes fast so pipeline tests need not wait for Firehose-sized buffers.
    lakeBuffer: { intervalMs: 1000 },
    onInvitation: (email, password) => writeFileSync(join(invitationsDir, email), password),
  });
  project.provide('stack', {
    url: stack.url,
    apiUrl: stack.apiUrl,
    issuerUrl: stack.issuerUrl,
    clientId: stack.clientId,
    dynamodbEndpoint: stack.endpoints.dynamodb,
    s3Endpoint: stack.endpoints.s3,
    kinesisEndpoint: stack.endpoints.kinesis,
    simulatorUrl: stack.endpoints.providerSimulator,
    signingKey: stack.issuer.signingKey as Record<string, unknown>,
    demoTenantId: stack.demoTenantId ?? '',
    invitationsDir,
    mailUrl: stack.endpoints.mail,
    eventBridgeEndpoint: stack.endpoints.eventBridge,
  });
}

export async function teardown() {
  await stack?.stop();
}
