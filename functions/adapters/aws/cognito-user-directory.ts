import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminGetUserCommand,
  AdminListGroupsForUserCommand,
  AdminRemoveUserFromGroupCommand,
  type AttributeType,
  CognitoIdentityProviderClient,
  CognitoIdentityProviderServiceException,
  type UserStatusType,
} from '@aws-sdk/client-cognito-identity-provider';
import { ConflictError, NotFoundError, ValidationError } from '#shared/domain/errors.ts';
import type { Role } from '#shared/domain/roles.ts';
import { ROLE_GROUPS } from '#shared/infra/resources.ts';
import type { DirectoryUser, UserDirectory } from '#shared/ports/user-directory.ts';
import type { DirectoryConfig } from '../../config.ts';

/**
 * The user directory failed for a reason that is ours, not the caller's (missing group or pool, denied IAM
 * action, unexpected reply). Maps to a 500; the SDK error is kept as `cause` for the logs, never shown.
 */
export class UserDirectoryError extends Error {
  override readonly name = 'UserDirectoryError';
}

/**
 * SDK errors rethrown untouched (as are all server-side faults): throttling and service unavailability are
 * transient, the SDK has already retried them, and callers (or Lambda's own retry) may try again.
 */
const TRANSIENT_ERRORS = new Set(['TooManyRequestsException', 'LimitExceededException', 'InternalErrorException']);

/**
 * Builds the Cognito Identity Provider client, once per cold start. `COGNITO_ENDPOINT` points it at the local
 * emulator; the SDK keeps the endpoint's base path, so a gateway-mounted emulator (`.../cognito-idp`) works.
 */
export function createCognitoClient(
  config: Pick<DirectoryConfig, 'AWS_REGION' | 'COGNITO_ENDPOINT'>,
): CognitoIdentityProviderClient {
  return new CognitoIdentityProviderClient({
    region: config.AWS_REGION,
    ...(config.COGNITO_ENDPOINT ? { endpoint: config.COGNITO_ENDPOINT } : {}),
    maxAttempts: 4,
  });
}

/**
 * UserDirectory over a Cognito user pool's admin API (the local Cognito emulator in local mode).
 *
 * The pool's username attribute is email (`signInAliases: {email: true}`), so an account is addressed by its
 * email or by its `sub` (its generated username); both are accepted as `Username` by the admin API.
 */
export class CognitoUserDirectory implements UserDirectory {
  constructor(
    private readonly cognito: CognitoIdentityProviderClient,
    private readonly userPoolId: string,
  ) {}

  async findByEmail(email: string): Promise<DirectoryUser | null> {
    const username = normalizeEmail(email);
    if (username === '') throw invalidEmail(email);
    try {
      const reply = await this.cognito.send(
        new AdminGetUserCommand({ UserPoolId: this.userPoolId, Username: username }),
      );
      return toDirectoryUser(reply.UserAttributes, reply.Enabled, reply.UserStatus);
    } catch (error) {
      if (isAwsError(error, 'UserNotFoundException')) return null;
      throw mapError(error, 'find the account', () => invalidEmail(email, error));
    }
  }

  async invite(email: string): Promise<{ user: DirectoryUser; created: boolean }> {
    const username = normalizeEmail(email);
    if (username === '') throw invalidEmail(email);
    try {
      const reply = await this.cognito.send(
        new AdminCreateUserCommand({
          UserPoolId: this.userPoolId,
          Username: username,
          UserAttributes: [
            { Name: 'email', Value: username },
            // The invitation itself proves the address: without this the invitee could not recover a password.
            { Name: 'email_verified', Value: 'true' },
          ],
          DesiredDeliveryMediums: ['EMAIL'],
        }),
      );
      return {
        user: toDirectoryUser(reply.User?.Attributes, reply.User?.Enabled, reply.User?.UserStatus),
        created: true,
      };
    } catch (error) {
      if (!isAwsError(error, 'UsernameExistsException')) {
        throw mapError(error, 'invite the account', () => invalidEmail(email, error));
      }
    }
    const existing = await this.findByEmail(username);
    // Deleted between the two calls: rare, and the caller may simply retry.
    if (!existing) throw new ConflictError('The account changed while inviting it; try again.');
    return { user: existing, created: false };
  }

  async setRoleGroup(userId: string, role: Role | null): Promise<void> {
    if (userId.trim() === '') throw new ValidationError('A user id is required.', { code: 'invalid_user_id' });
    try {
      const current = await this.roleGroupsOf(userId);
      for (const group of current) {
        if (group === role) continue;
        await this.cognito.send(
          new AdminRemoveUserFromGroupCommand({ UserPoolId: this.userPoolId, Username: userId, GroupName: group }),
        );
      }
      if (role && !current.includes(role)) {
        await this.cognito.send(
          new AdminAddUserToGroupCommand({ UserPoolId: this.userPoolId, Username: userId, GroupName: role }),
        );
      }
    } catch (error) {
      if (isAwsError(error, 'UserNotFoundException')) {
        throw new NotFoundError('The account does not exist.', { code: 'user_not_found', cause: error });
      }
      throw mapError(
        error,
        'update the account groups',
        () => new ValidationError('The user id is not valid.', { code: 'invalid_user_id', cause: error }),
      );
    }
  }

  /** The user's groups that are role groups; other groups (if any are ever added) are left alone. */
  private async roleGroupsOf(userId: string): Promise<Role[]> {
    const roles: Role[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.cognito.send(
        new AdminListGroupsForUserCommand({
          UserPoolId: this.userPoolId,
          Username: userId,
          Limit: 60,
          ...(nextToken ? { NextToken: nextToken } : {}),
        }),
      );
      for (const group of page.Groups ?? []) {
        const name = group.GroupName;
        if ((ROLE_GROUPS as readonly (string | undefined)[]).includes(name)) roles.push(name as Role);
      }
      nextToken = page.NextToken;
    } while (nextToken);
    return roles;
  }
}

function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

function invalidEmail(email: string, cause?: unknown): ValidationError {
  return new ValidationError('The email address is not valid.', {
    code: 'invalid_email',
    details: { field: 'email', value: email.slice(0, 320) },
    ...(cause === undefined ? {} : { cause }),
  });
}

function isAwsError(error: unknown, name: string): boolean {
  return error instanceof CognitoIdentityProviderServiceException && error.name === name;
}

/**
 * Turns an SDK failure into the error the caller should see: bad input becomes `badInput()` (a ValidationError),
 * transient errors pass through for retry, anything else is ours and becomes a UserDirectoryError.
 */
function mapError(error: unknown, action: string, badInput: () => ValidationError): Error {
  if (!(error instanceof Error)) return new UserDirectoryError(`Could not ${action}.`, { cause: error });
  if (error instanceof CognitoIdentityProviderServiceException) {
    if (TRANSIENT_ERRORS.has(error.name) || error.$fault === 'server') return error;
    if (error.name === 'InvalidParameterException') return badInput();
    return new UserDirectoryError(`Could not ${action}: ${error.name}.`, { cause: error });
  }
  // Network failures (connection refused, timeouts) after the SDK's retries: transient, rethrown as they are.
  return error;
}

function attribute(attributes: AttributeType[] | undefined, name: string): string | undefined {
  return attributes?.find((a) => a.Name === name)?.Value;
}

/**
 * A directory user from Cognito's reply. FORCE_CHANGE_PASSWORD (invited, temporary password not yet replaced)
 * and UNCONFIRMED (self sign-up never confirmed) have never signed in: both read as `invited`.
 */
function toDirectoryUser(
  attributes: AttributeType[] | undefined,
  enabled: boolean | undefined,
  status: UserStatusType | string | undefined,
): DirectoryUser {
  const sub = attribute(attributes, 'sub');
  const email = attribute(attributes, 'email');
  if (!sub || !email) throw new UserDirectoryError('Cognito returned an account without sub or email.');
  return {
    userId: sub,
    email,
    enabled: enabled !== false,
    status: status === 'FORCE_CHANGE_PASSWORD' || status === 'UNCONFIRMED' ? 'invited' : 'active',
  };
}
