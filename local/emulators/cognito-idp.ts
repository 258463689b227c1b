import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { ROLE_GROUPS } from '#shared/infra/resources.ts';
import { type LocalUser, LocalUserExistsError, type LocalUserStore, userStatus } from '../oidc/user-store.ts';

/**
 * A local Amazon Cognito Identity Provider (user pool admin API) over the local issuer's user store.
 *
 * It speaks the real AWS JSON 1.1 protocol (`POST`, `X-Amz-Target: AWSCognitoIdentityProviderService.<Op>`,
 * errors as HTTP 400 `{"__type": ..., "message": ...}`), so the production adapter and the real SDK client run
 * against it unchanged. Like DynamoDB Local, it ignores SigV4 signatures. One user pool, whose username
 * attribute is email (as in CDK: `signInAliases: {email: true}`): `Username` may be the email or the `sub`.
 */

/** User pool id of the local stack; matches Cognito's `<region>_<id>` shape. */
export const LOCAL_USER_POOL_ID = 'us-east-1_local';

export interface CognitoIdpOptions {
  /** The one pool this emulator serves; any other `UserPoolId` gets ResourceNotFoundException. */
  userPoolId: string;
  /**
   * Called when Cognito would email an invitation (AdminCreateUser without `MessageAction: SUPPRESS`).
   * Local mode has no email: the stack prints it. An error thrown here does not fail the request.
   */
  onInvitation: (email: string, temporaryPassword: string) => void;
  /** Groups that exist in the pool. @default ROLE_GROUPS */
  groups?: readonly string[];
  /** How long a temporary password works, as the pool's `tempPasswordValidity`. @default 3 */
  temporaryPasswordValidityDays?: number;
  /** Clock. @default () => new Date() */
  now?: () => Date;
}

const TARGET_PREFIX = 'AWSCognitoIdentityProviderService.';
const MAX_BODY_BYTES = 1024 * 1024;
/** Cognito's own format check is looser than RFC 5322; this refuses what it refuses in practice. */
const EMAIL = /^[^\s@"<>()[\]\\,;:]+@[^\s@"<>()[\]\\,;:]+\.[^\s@"<>()[\]\\,;:.]+$/;

/** An AWS JSON 1.1 error: HTTP status plus the `__type` the SDK turns into its exception class. */
class AwsError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

type Json = Record<string, unknown>;
type Operation = (input: Json) => Json;

function requireString(input: Json, field: string, lengthMax = 128): string {
  const value = input[field];
  if (value === undefined || value === null) {
    throw new AwsError(
      'InvalidParameterException',
      `1 validation error detected: Value null at '${lowerFirst(field)}' failed to satisfy constraint: Member must not be null`,
    );
  }
  if (typeof value !== 'string') throw new AwsError('SerializationException', `${field} must be a string`);
  if (value.length < 1 || value.length > lengthMax) {
    throw new AwsError(
      'InvalidParameterException',
      `1 validation error detected: Value at '${lowerFirst(field)}' failed to satisfy constraint: Member must have length between 1 and ${lengthMax}`,
    );
  }
  return value;
}

function optionalString(input: Json, field: string): string | undefined {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new AwsError('SerializationException', `${field} must be a string`);
  return value;
}

function optionalInteger(input: Json, field: string, min: number, max: number): number | undefined {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new AwsError('SerializationException', `${field} must be an integer`);
  }
  if (value < min || value > max) {
    throw new AwsError(
      'InvalidParameterException',
      `1 validation error detected: Value '${value}' at '${lowerFirst(field)}' failed to satisfy constraint: Member must have value between ${min} and ${max}`,
    );
  }
  return value;
}

function attributeList(input: Json, field: string): { Name: string; Value: string }[] {
  const value = input[field];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new AwsError('SerializationException', `${field} must be a list`);
  return value.map((item) => {
    if (!item || typeof item !== 'object') throw new AwsError('SerializationException', `${field} items are objects`);
    const name = requireString(item as Json, 'Name', 32);
    const raw = (item as Json).Value;
    if (raw !== undefined && raw !== null && typeof raw !== 'string') {
      throw new AwsError('SerializationException', 'Value must be a string');
    }
    return { Name: name, Value: typeof raw === 'string' ? raw : '' };
  });
}

function lowerFirst(value: string): string {
  return value.charAt(0).toLowerCase() + value.slice(1);
}

function epochSeconds(iso: string | undefined): number {
  return (iso ? Date.parse(iso) : 0) / 1000;
}

/** Cognito's `UserStatus` for a local account. */
function cognitoStatus(user: LocalUser): 'FORCE_CHANGE_PASSWORD' | 'CONFIRMED' {
  return userStatus(user) === 'invited' ? 'FORCE_CHANGE_PASSWORD' : 'CONFIRMED';
}

function attributesOf(user: LocalUser): { Name: string; Value: string }[] {
  return [
    { Name: 'email', Value: user.email },
    { Name: 'email_verified', Value: 'true' },
    { Name: 'name', Value: user.name },
    { Name: 'sub', Value: user.sub },
  ];
}

/** The `UserType` shape of AdminCreateUser and ListUsers. Username is the `sub`, as in email-username pools. */
function userType(user: LocalUser): Json {
  return {
    Username: user.sub,
    Attributes: attributesOf(user),
    UserCreateDate: epochSeconds(user.createdAt),
    UserLastModifiedDate: epochSeconds(user.updatedAt ?? user.createdAt),
    Enabled: user.enabled,
    UserStatus: cognitoStatus(user),
  };
}

/** A temporary password that satisfies the pool's policy (12+ chars, upper, lower, digit, symbol). */
export function generateTemporaryPassword(): string {
  const sets = ['ABCDEFGHJKLMNPQRSTUVWXYZ', 'abcdefghijkmnopqrstuvwxyz', '23456789', '^$*.[]{}()?!@#%&'];
  const all = sets.join('');
  const chars = sets.map((set) => set.charAt(randomInt(set.length)));
  while (chars.length < 14) chars.push(all.charAt(randomInt(all.length)));
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j] as string, chars[i] as string];
  }
  return chars.join('');
}

/** ListUsers `Filter`: `attribute = "value"` (exact) or `attribute ^= "value"` (prefix); empty matches all. */
function parseFilter(filter: string | undefined): (user: LocalUser) => boolean {
  if (filter === undefined || filter.trim() === '') return () => true;
  const match = filter.match(/^\s*([\w:]+)\s*(=|\^=)\s*"((?:[^"\\]|\\.)*)"\s*$/);
  if (!match) throw new AwsError('InvalidParameterException', 'Error while parsing filter.');
  const [, attribute = '', operator, rawValue = ''] = match;
  const value = rawValue.replace(/\\(.)/g, '$1');
  const read: Record<string, (user: LocalUser) => string> = {
    username: (u) => u.sub,
    email: (u) => u.email,
    name: (u) => u.name,
    sub: (u) => u.sub,
    'cognito:user_status': cognitoStatus,
    status: (u) => (u.enabled ? 'Enabled' : 'Disabled'),
  };
  const get = read[attribute];
  if (!get) throw new AwsError('InvalidParameterException', `Invalid search attribute: ${attribute}`);
  // Cognito compares email and username case-insensitively in pools with signInCaseSensitive: false.
  const fold = (s: string) => (attribute === 'email' || attribute === 'username' ? s.toLowerCase() : s);
  const wanted = fold(value);
  return operator === '=' ? (u) => fold(get(u)) === wanted : (u) => fold(get(u)).startsWith(wanted);
}

/**
 * Builds the request handler of the local Cognito Identity Provider, to mount at any path (the SDK keeps an
 * endpoint's base path: endpoint `http://host:port/cognito-idp` posts to `/cognito-idp/`). The request path is
 * not looked at, only the method, headers and body.
 */
export function createCognitoIdpHandler(
  store: LocalUserStore,
  options: CognitoIdpOptions,
): (req: IncomingMessage, res: ServerResponse) => void {
  const groups = new Set(options.groups ?? ROLE_GROUPS);
  const validityMs = (options.temporaryPasswordValidityDays ?? 3) * 24 * 3600 * 1000;
  const now = options.now ?? (() => new Date());

  const checkPool = (input: Json) => {
    const poolId = requireString(input, 'UserPoolId', 55);
    if (poolId !== options.userPoolId) {
      throw new AwsError('ResourceNotFoundException', `User pool ${poolId} does not exist.`);
    }
  };
  const requireUser = (input: Json): LocalUser => {
    checkPool(input);
    const user = store.findByUsername(requireString(input, 'Username'));
    if (!user) throw new AwsError('UserNotFoundException', 'User does not exist.');
    return user;
  };
  const requireGroup = (input: Json): string => {
    const group = requireString(input, 'GroupName');
    if (!groups.has(group)) throw new AwsError('ResourceNotFoundException', 'Group not found.');
    return group;
  };
  const invite = (email: string, temporaryPassword: string) => {
    try {
      options.onInvitation(email, temporaryPassword);
    } catch {
      // Delivery is best effort, as Cognito's email is: the account exists either way.
    }
  };

  const operations: Record<string, Operation> = {
    AdminCreateUser(input) {
      checkPool(input);
      const username = requireString(input, 'Username');
      const attributes = attributeList(input, 'UserAttributes');
      const action = optionalString(input, 'MessageAction');
      if (action !== undefined && action !== 'RESEND' && action !== 'SUPPRESS') {
        throw new AwsError('InvalidParameterException', `Invalid MessageAction: ${action}`);
      }
      const mediums = input.DesiredDeliveryMediums;
      if (mediums !== undefined && (!Array.isArray(mediums) || mediums.some((m) => m !== 'EMAIL' && m !== 'SMS'))) {
        throw new AwsError('InvalidParameterException', 'DesiredDeliveryMediums must be EMAIL or SMS.');
      }
      if (Array.isArray(mediums) && mediums.includes('SMS')) {
        throw new AwsError('InvalidParameterException', 'No phone_number attribute: cannot deliver by SMS.');
      }
      // Username attribute is email: the username must be an email, and an email attribute must agree with it.
      if (!EMAIL.test(username)) throw new AwsError('InvalidParameterException', 'Username should be an email.');
      const emailAttribute = attributes.find((a) => a.Name === 'email')?.Value;
      if (emailAttribute !== undefined && emailAttribute.toLowerCase() !== username.toLowerCase()) {
        throw new AwsError('InvalidParameterException', 'Invalid email address format.');
      }
      const temporaryPassword = optionalString(input, 'TemporaryPassword') ?? generateTemporaryPassword();
      if (temporaryPassword.length < 6 || temporaryPassword.length > 256) {
        throw new AwsError('InvalidPasswordException', 'Password does not conform to policy.');
      }
      const expiresAt = new Date(now().getTime() + validityMs);
      const existing = store.findByEmail(username);
      if (action === 'RESEND') {
        if (!existing) throw new AwsError('UserNotFoundException', 'User does not exist.');
        if (userStatus(existing) !== 'invited') {
          throw new AwsError('UnsupportedUserStateException', 'User is not in FORCE_CHANGE_PASSWORD state.');
        }
        const user = store.resetTemporaryPassword(existing.sub, temporaryPassword, expiresAt);
        invite(user.email, temporaryPassword);
        return { User: userType(user) };
      }
      if (existing) throw new AwsError('UsernameExistsException', 'An account with the given email already exists.');
      let user: LocalUser;
      try {
        const name = attributes.find((a) => a.Name === 'name')?.Value;
        user = store.createInvitedUser({
          email: username,
          temporaryPassword,
          expiresAt,
          ...(name ? { name } : {}),
        });
      } catch (error) {
        if (error instanceof LocalUserExistsError) {
          throw new AwsError('UsernameExistsException', 'An account with the given email already exists.');
        }
        throw error;
      }
      if (action !== 'SUPPRESS') invite(user.email, temporaryPassword);
      return { User: userType(user) };
    },

    AdminGetUser(input) {
      const user = requireUser(input);
      const { Attributes, ...rest } = userType(user);
      return { ...rest, UserAttributes: Attributes };
    },

    AdminListGroupsForUser(input) {
      const user = requireUser(input);
      const limit = optionalInteger(input, 'Limit', 0, 60) ?? 60;
      const start = decodeToken(optionalString(input, 'NextToken'));
      const all = store.groupsOf(user.sub);
      const page = all.slice(start, start + limit);
      const next = start + limit < all.length ? encodeToken(start + limit) : undefined;
      return {
        Groups: page.map((group) => ({
          GroupName: group,
          UserPoolId: options.userPoolId,
          Description: `PromptPulse role: ${group}`,
          Precedence: Math.max(0, [...groups].indexOf(group)),
        })),
        ...(next ? { NextToken: next } : {}),
      };
    },

    AdminAddUserToGroup(input) {
      const user = requireUser(input);
      store.addToGroup(user.sub, requireGroup(input));
      return {};
    },

    AdminRemoveUserFromGroup(input) {
      const user = requireUser(input);
      store.removeFromGroup(user.sub, requireGroup(input));
      return {};
    },

    AdminDisableUser(input) {
      store.setEnabled(requireUser(input).sub, false);
      return {};
    },

    AdminEnableUser(input) {
      store.setEnabled(requireUser(input).sub, true);
      return {};
    },

    ListUsers(input) {
      checkPool(input);
      const matches = parseFilter(optionalString(input, 'Filter'));
      const limit = optionalInteger(input, 'Limit', 0, 60) ?? 60;
      const start = decodeToken(optionalString(input, 'PaginationToken'));
      const wanted = input.AttributesToGet;
      if (wanted !== undefined && (!Array.isArray(wanted) || wanted.some((a) => typeof a !== 'string'))) {
        throw new AwsError('SerializationException', 'AttributesToGet must be a list of strings');
      }
      const all = store.list().filter(matches);
      const page = all.slice(start, start + limit).map((user) => {
        const shaped = userType(user);
        if (!Array.isArray(wanted)) return shaped;
        const attributes = (shaped.Attributes as { Name: string }[]).filter((a) => wanted.includes(a.Name));
        return { ...shaped, Attributes: attributes };
      });
      const next = start + limit < all.length ? encodeToken(start + limit) : undefined;
      return { Users: page, ...(next ? { PaginationToken: next } : {}) };
    },
  };

  return (req, res) => {
    const requestId = randomUUID();
    const send = (status: number, body: Json, errorType?: string) => {
      if (res.headersSent) return;
      const payload = JSON.stringify(body);
      res.writeHead(status, {
        'content-type': 'application/x-amz-json-1.1',
        'content-length': Buffer.byteLength(payload),
        'x-amzn-requestid': requestId,
        ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
      });
      res.end(payload);
    };
    const fail = (error: AwsError) => send(error.status, { __type: error.type, message: error.message }, error.type);

    if (req.method !== 'POST') {
      req.resume();
      fail(new AwsError('UnknownOperationException', 'Only POST is supported.', 405));
      return;
    }
    const target = String(req.headers['x-amz-target'] ?? '');
    const operation = target.startsWith(TARGET_PREFIX) ? operations[target.slice(TARGET_PREFIX.length)] : undefined;

    readBody(req)
      .then((raw) => {
        if (!operation) throw new AwsError('UnknownOperationException', `Unknown operation ${target || '(none)'}`);
        let input: unknown;
        try {
          input = raw.length === 0 ? {} : JSON.parse(raw);
        } catch {
          throw new AwsError('SerializationException', 'Start of structure or map found where not expected.');
        }
        if (!input || typeof input !== 'object' || Array.isArray(input)) {
          throw new AwsError('SerializationException', 'The request body must be a JSON object.');
        }
        send(200, operation(input as Json));
      })
      .catch((error: unknown) => {
        if (error instanceof AwsError) fail(error);
        else fail(new AwsError('InternalErrorException', 'Internal error in the local Cognito emulator.', 500));
      });
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => {
      if (tooLarge) reject(new AwsError('SerializationException', 'Request body too large.', 413));
      else resolve(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', reject);
  });
}

/** Pagination tokens are opaque to clients; here an offset, disguised so nobody parses it. */
function encodeToken(offset: number): string {
  return Buffer.from(`${offset}:${randomBytes(4).toString('hex')}`).toString('base64url');
}

function decodeToken(token: string | undefined): number {
  if (token === undefined) return 0;
  const offset = Number(Buffer.from(token, 'base64url').toString('utf8').split(':')[0]);
  if (!Number.isInteger(offset) || offset < 0) throw new AwsError('InvalidParameterException', 'Invalid token.');
  return offset;
}

/**
 * Runs the emulator on its own port (tests, or when no gateway is in front). `port` 0 picks a free one.
 * @returns the endpoint to give the SDK client (`endpoint`) and a stop function.
 */
export async function startCognitoIdp(
  store: LocalUserStore,
  options: CognitoIdpOptions,
  port = 0,
): Promise<{ endpoint: string; stop: () => Promise<void> }> {
  const server = createServer(createCognitoIdpHandler(store, options));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const actual = typeof address === 'object' && address ? address.port : port;
  return {
    endpoint: `http://127.0.0.1:${actual}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
