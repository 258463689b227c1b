/**
 * Where the smoke test runs: a deployed stage (endpoints from `cdk deploy --outputs-file`, the test user signed in
 * through Cognito's admin API with the operator's AWS credentials) or the local stack (its issuer's sign-in form).
 */
import { readFileSync } from 'node:fs';
import {
  AdminCreateUserCommand,
  AdminInitiateAuthCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
  UsernameExistsException,
} from '@aws-sdk/client-cognito-identity-provider';
import { refreshTokens, signInWithPassword } from '../../test/support/oidc-flow.ts';
import type { SmokeTarget } from './steps.ts';

export interface Credentials {
  email: string;
  password: string;
}

/**
 * Signs in, and when the user has no workspace yet creates one ("Smoke tests") and signs in again so the token
 * carries its tenant claim (the claim is added at token issue: functions/handlers/auth/pre-token-generation.ts).
 */
async function withWorkspace(apiUrl: string, first: () => Promise<string>, again: () => Promise<string>) {
  const token = await first();
  const me = await fetch(`${apiUrl}/me`, { headers: { authorization: `Bearer ${token}` } });
  const body = (await me.json()) as { workspace?: unknown };
  if (me.status === 200 && body.workspace) return token;
  const created = await fetch(`${apiUrl}/workspaces`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Smoke tests' }),
  });
  if (created.status !== 201) throw new Error(`creating the test workspace answered ${created.status}`);
  return again();
}

/** The local stack started by `npm start` (or a test's stack): the issuer's own sign-in form over HTTP. */
export function localTarget(url: string, user: Credentials, crm?: SmokeTarget['crm']): SmokeTarget {
  const base = url.replace(/\/$/, '');
  const apiUrl = `${base}/api`;
  let refresh = '';
  return {
    name: `local stack at ${base}`,
    apiUrl,
    websocketUrl: `${base.replace(/^http/, 'ws')}/ws`,
    ...(crm ? { crm } : {}),
    signIn: () =>
      withWorkspace(
        apiUrl,
        async () => {
          const tokens = await signInWithPassword(base, user.email, user.password);
          refresh = tokens.refresh_token ?? '';
          return tokens.access_token;
        },
        async () => (await refreshTokens(base, refresh)).access_token,
      ),
  };
}

/** The stack outputs this needs, from the file `cdk deploy --all --outputs-file <file>` wrote. */
export function stageOutputs(file: string, stackPrefix: string) {
  const all = JSON.parse(readFileSync(file, 'utf8')) as Record<string, Record<string, string>>;
  const stateful = all[`${stackPrefix}-Stateful`];
  const stateless = all[`${stackPrefix}-Stateless`];
  if (!stateful || !stateless) {
    throw new Error(`${file} has no outputs of ${stackPrefix}-Stateful and ${stackPrefix}-Stateless`);
  }
  const need = (outputs: Record<string, string>, key: string) => {
    const value = outputs[key];
    if (!value) throw new Error(`${file}: output ${key} is missing`);
    return value;
  };
  const userPoolId = need(stateful, 'UserPoolId');
  return {
    apiUrl: need(stateless, 'ApiUrl').replace(/\/$/, ''),
    websocketUrl: need(stateless, 'WebSocketUrl'),
    userPoolId,
    clientId: need(stateful, 'UserPoolClientId'),
    region: userPoolId.split('_')[0] as string,
  };
}

/**
 * A deployed stage. With `createUser`, the test user is created (no invitation mail) with a permanent password;
 * otherwise it must exist. Needs AWS credentials allowed to call the pool's admin API.
 */
export function awsTarget(
  outputs: ReturnType<typeof stageOutputs>,
  user: Credentials & { createUser?: boolean },
  crm?: SmokeTarget['crm'],
): SmokeTarget {
  const cognito = new CognitoIdentityProviderClient({ region: outputs.region });
  let refresh = '';
  const auth = async (flow: 'ADMIN_USER_PASSWORD_AUTH' | 'REFRESH_TOKEN_AUTH') => {
    const result = await cognito.send(
      new AdminInitiateAuthCommand({
        UserPoolId: outputs.userPoolId,
        ClientId: outputs.clientId,
        AuthFlow: flow,
        AuthParameters:
          flow === 'REFRESH_TOKEN_AUTH'
            ? { REFRESH_TOKEN: refresh }
            : { USERNAME: user.email, PASSWORD: user.password },
      }),
    );
    const tokens = result.AuthenticationResult;
    if (!tokens?.AccessToken) throw new Error(`Cognito asked for a challenge (${result.ChallengeName ?? 'none'})`);
    if (tokens.RefreshToken) refresh = tokens.RefreshToken;
    return tokens.AccessToken;
  };
  return {
    name: `stage at ${outputs.apiUrl}`,
    apiUrl: outputs.apiUrl,
    websocketUrl: outputs.websocketUrl,
    ...(crm ? { crm } : {}),
    signIn: async () => {
      if (user.createUser) {
        try {
          await cognito.send(
            new AdminCreateUserCommand({
              UserPoolId: outputs.userPoolId,
              Username: user.email,
              MessageAction: 'SUPPRESS',
              UserAttributes: [
                { Name: 'email', Value: user.email },
                { Name: 'email_verified', Value: 'true' },
              ],
            }),
          );
        } catch (error) {
          if (!(error instanceof UsernameExistsException)) throw error;
        }
        await cognito.send(
          new AdminSetUserPasswordCommand({
            UserPoolId: outputs.userPoolId,
            Username: user.email,
            Password: user.password,
            Permanent: true,
          }),
        );
      }
      return withWorkspace(
        outputs.apiUrl,
        () => auth('ADMIN_USER_PASSWORD_AUTH'),
        () => auth('REFRESH_TOKEN_AUTH'),
      );
    },
  };
}
