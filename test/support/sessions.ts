import { call } from './api.ts';
import { refreshTokens, signInWithPassword } from './oidc-flow.ts';

const cache = new Map<string, string>();

/** Signs a demo user in once per test file and reuses the access token. */
export async function tokenFor(baseUrl: string, email: string, password: string): Promise<string> {
  const key = `${baseUrl}|${email}`;
  const cached = cache.get(key);
  if (cached) return cached;
  const tokens = await signInWithPassword(baseUrl, email, password);
  cache.set(key, tokens.access_token);
  return tokens.access_token;
}

export const DEMO = {
  owner: ['owner@demo.promptpulse.local', 'demo-owner-pass'],
  admin: ['admin@demo.promptpulse.local', 'demo-admin-pass'],
  analyst: ['analyst@demo.promptpulse.local', 'demo-analyst-pass'],
  viewer: ['viewer@demo.promptpulse.local', 'demo-viewer-pass'],
} as const;

/**
 * Signs in a user who has no workspace, creates one and returns a token carrying its tenant claim
 * (a second tenant for isolation tests).
 */
export async function ownerOfNewWorkspace(
  baseUrl: string,
  apiUrl: string,
  email: string,
  password: string,
  name: string,
) {
  const first = await signInWithPassword(baseUrl, email, password);
  const created = await call(apiUrl, 'POST', '/workspaces', { token: first.access_token, body: { name } });
  if (created.status !== 201)
    throw new Error(`workspace creation failed: ${created.status} ${JSON.stringify(created.json)}`);
  const refreshed = await refreshTokens(baseUrl, first.refresh_token ?? '');
  return { token: refreshed.access_token, tenantId: created.json.id as string };
}

/**
 * Creates a brand-new account (no workspace) through the local Cognito admin API, the way an invitation does,
 * and returns its email and temporary password (read from the invitation "mailbox" directory).
 */
export async function freshAccount(stack: { url: string; invitationsDir: string }, label: string) {
  const { AdminCreateUserCommand, CognitoIdentityProviderClient } = await import(
    '@aws-sdk/client-cognito-identity-provider'
  );
  const { readFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const email = `${label}-${Date.now()}-${Math.random().toString(36).slice(2, 7)}@example.com`;
  const client = new CognitoIdentityProviderClient({
    endpoint: `${stack.url.replace('localhost', '127.0.0.1')}/cognito-idp`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  await client.send(
    new AdminCreateUserCommand({
      UserPoolId: 'us-east-1_local',
      Username: email,
      UserAttributes: [{ Name: 'email', Value: email }],
    }),
  );
  client.destroy();
  return { email, password: readFileSync(join(stack.invitationsDir, email), 'utf8') };
}
