import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { INVITATION_MESSAGE } from '../../shared/domain/invitation-message.ts';
import { ROLE_GROUPS, TENANT_CLAIM } from '../../shared/infra/resources.ts';
import type { DataTable } from './data-table.ts';
import { NodeFunction } from './node-function.ts';

export interface UserDirectoryProps {
  /** Table the pre-token-generation trigger reads the caller's workspace and role from. */
  readonly table: DataTable;
  /** OAuth redirect URLs of the SPA client. */
  readonly callbackUrls: string[];
  /** Post-sign-out URLs of the SPA client. */
  readonly logoutUrls: string[];
  /** Hosted-UI domain prefix (`<prefix>.auth.<region>.amazoncognito.com`). */
  readonly domainPrefix: string;
  /** Retention of the trigger's logs. */
  readonly logRetention: logs.RetentionDays;
  /**
   * Cognito threat protection, full function (adaptive authentication, compromised-credential checks, blocking
   * risky sign-ins): needs the Plus feature plan. Off: the Essentials plan (the smallest with access-token
   * customization, which the tenant claim needs). @default true
   */
  readonly threatProtection?: boolean;
  /** RETAIN also turns deletion protection on. @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Send sign-up codes, password resets and invitations through Amazon SES from a verified identity. Without it
   * Cognito's default sender is used: 50 messages a day per account, shared by every pool (dev only).
   * @default - Cognito's default sender
   */
  readonly mail?: MailSettings;
}

/** Cognito's mail through SES (context `mailFromAddress`, `mailIdentity`, `mailConfigurationSet`, `mailRegion`). */
export interface MailSettings {
  /** The From address, on the verified identity (e.g. `no-reply@mail.example.com`). */
  readonly fromAddress: string;
  /** Display name in From. @default 'PromptPulse' */
  readonly fromName?: string;
  /** The verified SES identity (a domain, or the From address itself). @default the From address's domain */
  readonly identity: string;
  /** An SES configuration set (bounce and complaint events). @default - none */
  readonly configurationSet?: string;
  /** The SES region, one Cognito supports for the pool's region. @default the stack's region */
  readonly region?: string;
}

/**
 * Who may sign in, and what their tokens say: the Cognito user pool, one group per role (`ROLE_GROUPS`),
 * the hosted-UI domain, the public SPA app client (authorization code + PKCE, no secret) and the
 * pre-token-generation V2 trigger that puts the tenant claim (`TENANT_CLAIM`) and the caller's role into
 * both ID and access tokens.
 *
 * Self sign-up is on: a new user signs up, and their first sign-in creates their workspace (they become its
 * owner); users without a workspace carry no tenant claim and no group, so the API refuses tenant routes.
 */
export class UserDirectory extends Construct {
  readonly userPool: cognito.UserPool;
  readonly webClient: cognito.UserPoolClient;
  readonly domain: cognito.UserPoolDomain;
  readonly tokenTrigger: NodeFunction;
  readonly groups: cognito.UserPoolGroup[];

  constructor(scope: Construct, id: string, props: UserDirectoryProps) {
    super(scope, id);
    const threatProtection = props.threatProtection ?? true;
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;

    this.userPool = new cognito.UserPool(this, 'UserPool', {
      // Access-token customization by the V2 trigger needs Essentials or Plus; threat protection needs Plus.
      featurePlan: threatProtection ? cognito.FeaturePlan.PLUS : cognito.FeaturePlan.ESSENTIALS,
      ...(threatProtection
        ? {
            standardThreatProtectionMode: cognito.StandardThreatProtectionMode.FULL_FUNCTION,
            customThreatProtectionMode: cognito.CustomThreatProtectionMode.FULL_FUNCTION,
          }
        : {}),
      selfSignUpEnabled: true,
      signInAliases: { email: true },
      signInCaseSensitive: false,
      autoVerify: { email: true },
      keepOriginal: { email: true },
      standardAttributes: { email: { required: true, mutable: true } },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      // The same words the local stack sends to its mail catcher (shared/domain/invitation-message.ts).
      userInvitation: { emailSubject: INVITATION_MESSAGE.subject, emailBody: INVITATION_MESSAGE.body },
      mfa: cognito.Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      ...(props.mail
        ? {
            email: cognito.UserPoolEmail.withSES({
              fromEmail: props.mail.fromAddress,
              fromName: props.mail.fromName ?? 'PromptPulse',
              // A domain identity covers every address on it; an address identity is verified on its own.
              ...(props.mail.identity.includes('@') ? {} : { sesVerifiedDomain: props.mail.identity }),
              ...(props.mail.configurationSet ? { configurationSetName: props.mail.configurationSet } : {}),
              ...(props.mail.region ? { sesRegion: props.mail.region } : {}),
            }),
          }
        : {}),
      deletionProtection: removalPolicy === RemovalPolicy.RETAIN,
      removalPolicy,
    });
    Validations.of(this.userPool).acknowledge({
      id: 'AwsSolutions-COG2',
      reason:
        'MFA is optional (TOTP only, no SMS): self-service sign-up of marketing teams must not require an ' +
        'authenticator app on first use; enforcing MFA per workspace is an owner setting planned in the admin area.',
    });
    if (!threatProtection) {
      Validations.of(this.userPool).acknowledge({
        id: 'AwsSolutions-COG8',
        reason:
          'Threat protection is off for this stage (context threatProtection=false, the dev default): Essentials is ' +
          'the smallest plan with access-token customization, which the tenant claim needs; prod runs Plus with ' +
          'threat protection in full-function mode.',
      });
    }

    this.groups = ROLE_GROUPS.map((role, precedence) =>
      this.userPool.addGroup(`Group-${role}`, {
        groupName: role,
        // Lower precedence wins in Cognito: owner (0) is the strongest role.
        precedence,
        description: `PromptPulse role: ${role}`,
      }),
    );

    this.tokenTrigger = new NodeFunction(this, 'PreTokenGeneration', {
      entry: 'functions/handlers/auth/pre-token-generation.ts',
      description: `Cognito pre-token-generation V2: adds ${TENANT_CLAIM} and the caller's role group`,
      serviceName: 'promptpulse-auth',
      memorySize: 256,
      timeout: Duration.seconds(5),
      logRetention: props.logRetention,
      environment: { TABLE_NAME: props.table.table.tableName },
    });
    props.table.grantItemRead(this.tokenTrigger.function);
    this.userPool.addTrigger(
      cognito.UserPoolOperation.PRE_TOKEN_GENERATION_CONFIG,
      this.tokenTrigger.function,
      cognito.LambdaVersion.V2_0,
    );

    this.domain = this.userPool.addDomain('HostedUi', {
      cognitoDomain: { domainPrefix: props.domainPrefix },
    });

    this.webClient = this.userPool.addClient('WebClient', {
      // A browser app cannot keep a secret; PKCE protects its authorization-code exchange instead.
      generateSecret: false,
      // ADMIN_USER_PASSWORD_AUTH needs IAM credentials (cognito-idp:AdminInitiateAuth), so it opens nothing to the
      // public; the post-deploy smoke test (tools/smoke) signs its test user in with it.
      authFlows: { userSrp: true, adminUserPassword: true },
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL, cognito.OAuthScope.PROFILE],
        callbackUrls: props.callbackUrls,
        logoutUrls: props.logoutUrls,
      },
      supportedIdentityProviders: [cognito.UserPoolClientIdentityProvider.COGNITO],
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(30),
    });
  }

  /** Issuer of the pool's tokens, as the HTTP API's JWT authorizer expects it. */
  get issuerUrl(): string {
    return this.userPool.userPoolProviderUrl;
  }

  /** Hosted-UI base URL, e.g. `https://promptpulse-123.auth.eu-west-1.amazoncognito.com`. */
  get hostedUiUrl(): string {
    return this.domain.baseUrl();
  }
}
