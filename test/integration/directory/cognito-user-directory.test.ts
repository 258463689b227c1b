import { createServer, type Server } from 'node:http';
import {
  AdminAddUserToGroupCommand,
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminGetUserCommand,
  AdminListGroupsForUserCommand,
  CognitoIdentityProviderClient,
  InvalidParameterException,
  ListUsersCommand,
  ResourceNotFoundException,
  UserNotFoundException,
} from '@aws-sdk/client-cognito-identity-provider';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  CognitoUserDirectory,
  createCognitoClient,
  UserDirectoryError,
} from '../../../functions/adapters/aws/cognito-user-directory.ts';
import { readDirectoryConfig } from '../../../functions/config.ts';
import { createCognitoIdpHandler, LOCAL_USER_POOL_ID, startCognitoIdp } from '../../../local/emulators/cognito-idp.ts';
import { LocalUserStore } from '../../../local/oidc/user-store.ts';
import { NotFoundError, ValidationError } from '../../../shared/domain/errors.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

describe('CognitoUserDirectory against the local Cognito emulator (real SDK, mounted under a base path)', () => {
  let server: Server;
  let endpoint: string;
  let store: LocalUserStore;
  let invitations: { email: string; temporaryPassword: string }[];
  let directory: CognitoUserDirectory;
  let sdk: CognitoIdentityProviderClient;
  const seen: string[] = [];

  beforeAll(async () => {
    // Mounted the way the local gateway will mount it: under /cognito-idp, path prefix left on the request.
    server = createServer((req, res) => {
      seen.push(req.url ?? '');
      if (req.url?.startsWith('/cognito-idp')) handler(req, res);
      else {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    endpoint = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/cognito-idp`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  });

  let handler: ReturnType<typeof createCognitoIdpHandler>;
  beforeEach(() => {
    store = new LocalUserStore(null);
    invitations = [];
    handler = createCognitoIdpHandler(store, {
      userPoolId: LOCAL_USER_POOL_ID,
      onInvitation: (email, temporaryPassword) => invitations.push({ email, temporaryPassword }),
    });
    const config = readDirectoryConfig({ USER_POOL_ID: LOCAL_USER_POOL_ID, COGNITO_ENDPOINT: endpoint });
    // createCognitoClient takes credentials from the environment, as in Lambda; this client gets explicit ones.
    sdk = new CognitoIdentityProviderClient({ region: config.AWS_REGION, endpoint, credentials, maxAttempts: 1 });
    directory = new CognitoUserDirectory(sdk, config.USER_POOL_ID);
  });

  it('keeps the endpoint base path (the SDK posts to /cognito-idp/)', async () => {
    seen.length = 0;
    await directory.findByEmail('nobody@example.com');
    expect(seen).toEqual(['/cognito-idp/']);
  });

  it('createCognitoClient honours COGNITO_ENDPOINT', async () => {
    const client = createCognitoClient({ AWS_REGION: 'us-east-1', COGNITO_ENDPOINT: endpoint });
    const resolved = await client.config.endpoint?.();
    expect(resolved?.hostname).toBe('127.0.0.1');
    expect(resolved?.path).toBe('/cognito-idp');
    const aws = await createCognitoClient({ AWS_REGION: 'eu-west-1' }).config.region();
    expect(aws).toBe('eu-west-1');
  });

  it('invites a new email: creates an invited account, sends the temporary password, returns created', async () => {
    const { user, created } = await directory.invite('  New.Member@Example.com ');
    expect(created).toBe(true);
    expect(user).toEqual({
      userId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      email: 'new.member@example.com',
      enabled: true,
      status: 'invited',
    });
    expect(invitations).toHaveLength(1);
    expect(invitations[0]?.email).toBe('new.member@example.com');
    expect(store.findBySub(user.userId)?.status).toBe('invited');
    expect(await directory.findByEmail('NEW.MEMBER@example.com')).toEqual(user);
  });

  it('invites an existing email: returns the existing account with created false and sends nothing', async () => {
    const first = await directory.invite('again@example.com');
    const second = await directory.invite('Again@Example.com');
    expect(second).toEqual({ user: first.user, created: false });
    expect(invitations).toHaveLength(1);

    const seeded = store.ensureUser({ email: 'active@example.com', name: 'A', password: 'pw-123456789' });
    const existing = await directory.invite('active@example.com');
    expect(existing).toEqual({
      user: { userId: seeded.sub, email: 'active@example.com', enabled: true, status: 'active' },
      created: false,
    });
  });

  it('the invitee signs in with the temporary password and the directory then reports the account active', async () => {
    const { user } = await directory.invite('first.login@example.com');
    const temporaryPassword = invitations[0]?.temporaryPassword ?? '';
    expect(store.authenticate('first.login@example.com', temporaryPassword)?.sub).toBe(user.userId);
    expect(await directory.findByEmail('first.login@example.com')).toMatchObject({ status: 'active' });
  });

  it('findByEmail returns null for an unknown email and reports a disabled account', async () => {
    expect(await directory.findByEmail('ghost@example.com')).toBeNull();
    const { user } = await directory.invite('off@example.com');
    await sdk.send(new AdminDisableUserCommand({ UserPoolId: LOCAL_USER_POOL_ID, Username: user.email }));
    expect(await directory.findByEmail('off@example.com')).toMatchObject({ enabled: false });
    await sdk.send(new AdminEnableUserCommand({ UserPoolId: LOCAL_USER_POOL_ID, Username: user.userId }));
    expect(await directory.findByEmail('off@example.com')).toMatchObject({ enabled: true });
  });

  it('setRoleGroup adds, switches and removes the role group, leaving other groups alone', async () => {
    const { user } = await directory.invite('roles@example.com');
    const groups = async () => {
      const reply = await sdk.send(
        new AdminListGroupsForUserCommand({ UserPoolId: LOCAL_USER_POOL_ID, Username: user.userId }),
      );
      return (reply.Groups ?? []).map((g) => g.GroupName).sort();
    };

    await directory.setRoleGroup(user.userId, 'viewer');
    expect(await groups()).toEqual(['viewer']);
    await directory.setRoleGroup(user.userId, 'viewer');
    expect(await groups()).toEqual(['viewer']);
    await directory.setRoleGroup(user.userId, 'admin');
    expect(await groups()).toEqual(['admin']);

    // A stray second role group (e.g. added by hand in the console) is cleaned up; a non-role group is kept.
    store.addToGroup(user.userId, 'owner');
    store.addToGroup(user.userId, 'beta-testers');
    await directory.setRoleGroup(user.userId, 'analyst');
    expect(await groups()).toEqual(['analyst', 'beta-testers']);
    await directory.setRoleGroup(user.userId, null);
    expect(await groups()).toEqual(['beta-testers']);
  });

  it('setRoleGroup on an unknown user is a NotFoundError', async () => {
    const error = await directory.setRoleGroup('00000000-0000-4000-8000-000000000000', 'viewer').catch((e) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({ code: 'user_not_found' });
    await expect(directory.setRoleGroup('', 'viewer')).rejects.toBeInstanceOf(ValidationError);
  });

  it('an invalid email is a ValidationError naming the field, and nothing is created', async () => {
    for (const bad of ['not-an-email', 'two@@example.com', 'spaces in@example.com', '']) {
      const error = await directory.invite(bad).catch((e) => e);
      expect(error, bad).toBeInstanceOf(ValidationError);
      expect(error).toMatchObject({ code: 'invalid_email', details: { field: 'email' } });
    }
    expect(store.list()).toEqual([]);
    expect(invitations).toEqual([]);
  });

  it('a wrong user pool id is our fault: UserDirectoryError, with the SDK error only as cause', async () => {
    const wrong = new CognitoUserDirectory(sdk, 'us-east-1_other');
    const error = await wrong.invite('x@example.com').catch((e) => e);
    expect(error).toBeInstanceOf(UserDirectoryError);
    expect(error.cause).toBeInstanceOf(ResourceNotFoundException);
  });

  it('an unreachable endpoint propagates the transport error (transient, not a domain error)', async () => {
    const down = new CognitoIdentityProviderClient({
      region: 'us-east-1',
      endpoint: 'http://127.0.0.1:9/cognito-idp',
      credentials,
      maxAttempts: 1,
    });
    const error = await new CognitoUserDirectory(down, LOCAL_USER_POOL_ID).findByEmail('a@example.com').catch((e) => e);
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(ValidationError);
    expect(error).not.toBeInstanceOf(UserDirectoryError);
  });
});

describe('local Cognito emulator protocol (own port, raw HTTP and SDK)', () => {
  let stop: () => Promise<void>;
  let endpoint: string;
  let store: LocalUserStore;
  let sdk: CognitoIdentityProviderClient;

  beforeAll(async () => {
    store = new LocalUserStore(null);
    const started = await startCognitoIdp(store, { userPoolId: LOCAL_USER_POOL_ID, onInvitation: () => {} });
    stop = started.stop;
    endpoint = started.endpoint;
    sdk = new CognitoIdentityProviderClient({ region: 'us-east-1', endpoint, credentials, maxAttempts: 1 });
    for (const email of ['ann@acme.test', 'bob@acme.test', 'cy@other.test']) {
      store.ensureUser({ email, name: email, password: 'pw-123456789' });
    }
  });
  afterAll(() => stop());

  const post = (target: string | null, body: string, method = 'POST') =>
    fetch(endpoint, {
      method,
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        ...(target ? { 'x-amz-target': `AWSCognitoIdentityProviderService.${target}` } : {}),
      },
      ...(method === 'POST' ? { body } : {}),
    });

  it('answers bad JSON with 400 SerializationException and keeps serving', async () => {
    for (const body of ['{not json', '[1,2]', '"text"', 'null']) {
      const response = await post('AdminGetUser', body);
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toBe('application/x-amz-json-1.1');
      expect(await response.json()).toMatchObject({ __type: 'SerializationException' });
    }
    const wrongType = await post('AdminGetUser', JSON.stringify({ UserPoolId: LOCAL_USER_POOL_ID, Username: 42 }));
    expect(await wrongType.json()).toMatchObject({ __type: 'SerializationException' });
    const ok = await post(
      'AdminGetUser',
      JSON.stringify({ UserPoolId: LOCAL_USER_POOL_ID, Username: 'ann@acme.test' }),
    );
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ UserStatus: 'CONFIRMED', Enabled: true });
  });

  it('refuses unknown or missing targets and non-POST methods', async () => {
    const unknown = await post('DeleteUserPool', '{}');
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toMatchObject({ __type: 'UnknownOperationException' });
    expect(await (await post(null, '{}')).json()).toMatchObject({ __type: 'UnknownOperationException' });
    expect((await post('AdminGetUser', '', 'GET')).status).toBe(405);
  });

  it('missing Username is InvalidParameterException through the SDK', async () => {
    const error = await sdk
      .send(new AdminGetUserCommand({ UserPoolId: LOCAL_USER_POOL_ID, Username: undefined }))
      .catch((e) => e);
    expect(error).toBeInstanceOf(InvalidParameterException);
    expect(error.message).toContain("'username'");
    const missing = await sdk
      .send(new AdminGetUserCommand({ UserPoolId: LOCAL_USER_POOL_ID, Username: 'nobody@acme.test' }))
      .catch((e) => e);
    expect(missing).toBeInstanceOf(UserNotFoundException);
  });

  it('ListUsers filters by email (exact, case-insensitive) and prefix, and paginates', async () => {
    const exact = await sdk.send(
      new ListUsersCommand({ UserPoolId: LOCAL_USER_POOL_ID, Filter: 'email = "BOB@acme.test"' }),
    );
    expect(exact.Users?.map((u) => u.Attributes?.find((a) => a.Name === 'email')?.Value)).toEqual(['bob@acme.test']);
    expect(exact.Users?.[0]?.UserCreateDate).toBeInstanceOf(Date);

    const prefix = await sdk.send(new ListUsersCommand({ UserPoolId: LOCAL_USER_POOL_ID, Filter: 'email ^= "ann"' }));
    expect(prefix.Users).toHaveLength(1);

    const first = await sdk.send(new ListUsersCommand({ UserPoolId: LOCAL_USER_POOL_ID, Limit: 2 }));
    expect(first.Users).toHaveLength(2);
    expect(first.PaginationToken).toBeTruthy();
    const rest = await sdk.send(
      new ListUsersCommand({ UserPoolId: LOCAL_USER_POOL_ID, Limit: 2, PaginationToken: first.PaginationToken }),
    );
    expect(rest.Users).toHaveLength(1);
    expect(rest.PaginationToken).toBeUndefined();

    const bad = await sdk
      .send(new ListUsersCommand({ UserPoolId: LOCAL_USER_POOL_ID, Filter: 'email contains bob' }))
      .catch((e) => e);
    expect(bad).toBeInstanceOf(InvalidParameterException);
  });

  it('adding to a group that does not exist is ResourceNotFoundException', async () => {
    const error = await sdk
      .send(
        new AdminAddUserToGroupCommand({
          UserPoolId: LOCAL_USER_POOL_ID,
          Username: 'ann@acme.test',
          GroupName: 'root',
        }),
      )
      .catch((e) => e);
    expect(error).toBeInstanceOf(ResourceNotFoundException);
  });
});
