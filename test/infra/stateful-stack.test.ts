import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { ROLE_GROUPS, TABLE_SCHEMA } from '../../shared/infra/resources.ts';
import { defaultTemplates, logicalIdOf } from './support.ts';

describe('stateful stack', () => {
  const { app, stateful: template } = defaultTemplates();
  const stack = app.stateful;

  describe('table', () => {
    const tableId = logicalIdOf(stack.table.table);

    it('uses the key schema and index of TABLE_SCHEMA', () => {
      const { gsi1 } = TABLE_SCHEMA.indexes;
      template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
        KeySchema: [
          { AttributeName: TABLE_SCHEMA.partitionKey, KeyType: 'HASH' },
          { AttributeName: TABLE_SCHEMA.sortKey, KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: [
          {
            IndexName: gsi1.name,
            KeySchema: [
              { AttributeName: gsi1.partitionKey, KeyType: 'HASH' },
              { AttributeName: gsi1.sortKey, KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          },
        ],
        TimeToLiveSpecification: { AttributeName: TABLE_SCHEMA.ttlAttribute, Enabled: true },
        BillingMode: 'PAY_PER_REQUEST',
      });
    });

    it('has point-in-time recovery and deletion protection, and is retained', () => {
      template.hasResource('AWS::DynamoDB::GlobalTable', {
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
        Properties: Match.objectLike({
          Replicas: [
            Match.objectLike({
              PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
              DeletionProtectionEnabled: true,
            }),
          ],
        }),
      });
      expect(Object.keys(template.findResources('AWS::DynamoDB::GlobalTable'))).toEqual([tableId]);
    });
  });

  describe('lake bucket', () => {
    const lakeId = logicalIdOf(stack.lake.bucket);
    const logsId = logicalIdOf(stack.lake.accessLogsBucket);

    it('is encrypted, versioned, private and logs access to the access-logs bucket', () => {
      template.hasResource('AWS::S3::Bucket', {
        DeletionPolicy: 'Retain',
        Properties: Match.objectLike({
          BucketEncryption: {
            ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
          },
          VersioningConfiguration: { Status: 'Enabled' },
          PublicAccessBlockConfiguration: {
            BlockPublicAcls: true,
            BlockPublicPolicy: true,
            IgnorePublicAcls: true,
            RestrictPublicBuckets: true,
          },
          LoggingConfiguration: { DestinationBucketName: { Ref: logsId }, LogFilePrefix: 'lake/' },
        }),
      });
      expect(template.toJSON().Resources[lakeId].Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    });

    it.each([
      ['lake', () => lakeId],
      ['access logs', () => logsId],
    ])('%s bucket policy denies requests without TLS', (_name, bucketId) => {
      template.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: bucketId() },
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Action: 's3:*',
              Principal: { AWS: '*' },
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }),
          ]),
        },
      });
    });

    it('blocks public access on every bucket', () => {
      const buckets = Object.values(template.findResources('AWS::S3::Bucket'));
      expect(buckets).toHaveLength(2);
      for (const bucket of buckets) {
        expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        });
      }
    });
  });

  it('has an encrypted on-demand event stream', () => {
    template.hasResourceProperties('AWS::Kinesis::Stream', {
      StreamModeDetails: { StreamMode: 'ON_DEMAND' },
      StreamEncryption: { EncryptionType: 'KMS', KeyId: 'alias/aws/kinesis' },
    });
  });

  describe('user pool', () => {
    const poolId = logicalIdOf(stack.users.userPool);
    const triggerId = logicalIdOf(stack.users.tokenTrigger.function);

    it('is on the Plus plan with threat protection (prod), a strong password policy and the V2 pre-token trigger', () => {
      template.hasResource('AWS::Cognito::UserPool', {
        DeletionPolicy: 'Retain',
        Properties: Match.objectLike({
          UserPoolTier: 'PLUS',
          UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' },
          DeletionProtection: 'ACTIVE',
          Policies: {
            PasswordPolicy: Match.objectLike({
              MinimumLength: 12,
              RequireLowercase: true,
              RequireUppercase: true,
              RequireNumbers: true,
              RequireSymbols: true,
            }),
          },
          LambdaConfig: {
            PreTokenGenerationConfig: {
              LambdaArn: { 'Fn::GetAtt': [triggerId, 'Arn'] },
              LambdaVersion: 'V2_0',
            },
          },
        }),
      });
    });

    it('lets Cognito invoke the trigger', () => {
      template.hasResourceProperties('AWS::Lambda::Permission', {
        Action: 'lambda:InvokeFunction',
        FunctionName: { 'Fn::GetAtt': [triggerId, 'Arn'] },
        Principal: 'cognito-idp.amazonaws.com',
        SourceArn: { 'Fn::GetAtt': [poolId, 'Arn'] },
      });
    });

    it('has one group per role, owner strongest', () => {
      const groups = Object.values(template.findResources('AWS::Cognito::UserPoolGroup')).map(
        (group) => group.Properties,
      );
      expect(groups.map((group) => [group.GroupName, group.Precedence])).toEqual(
        ROLE_GROUPS.map((role, index) => [role, index]),
      );
      for (const group of groups) expect(group.UserPoolId).toEqual({ Ref: poolId });
    });

    it('has a public SPA client: authorization code (PKCE), no secret, localhost redirects by default', () => {
      template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
        UserPoolId: { Ref: poolId },
        GenerateSecret: false,
        AllowedOAuthFlows: ['code'],
        AllowedOAuthFlowsUserPoolClient: true,
        AllowedOAuthScopes: ['openid', 'email', 'profile'],
        CallbackURLs: ['http://localhost:5173/auth/callback'],
        LogoutURLs: ['http://localhost:5173/'],
        SupportedIdentityProviders: ['COGNITO'],
        PreventUserExistenceErrors: 'ENABLED',
        EnableTokenRevocation: true,
        ExplicitAuthFlows: ['ALLOW_ADMIN_USER_PASSWORD_AUTH', 'ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      });
      expect(template.findResources('AWS::Cognito::UserPoolClient')).toSatisfy(
        (clients: object) => Object.keys(clients).length === 1,
      );
    });

    it('has a hosted-UI domain whose default prefix is unique per account', () => {
      template.hasResourceProperties('AWS::Cognito::UserPoolDomain', {
        UserPoolId: { Ref: poolId },
        Domain: { 'Fn::Join': ['-', ['promptpulse', { Ref: 'AWS::AccountId' }]] },
      });
    });

    it('trigger may only read items of the table and its index', () => {
      const tableArn = { 'Fn::GetAtt': [logicalIdOf(stack.table.table), 'Arn'] };
      const policy = template.findResources('AWS::IAM::Policy', {
        Properties: { Roles: [{ Ref: logicalIdOf(stack.users.tokenTrigger.role) }] },
      });
      const statements = Object.values(policy).flatMap((p) => p.Properties.PolicyDocument.Statement);
      const dynamo = statements.filter((s) => [s.Action].flat().some((a: string) => a.startsWith('dynamodb:')));
      expect(dynamo.flatMap((s) => [s.Action].flat()).sort()).toEqual(
        [
          'dynamodb:BatchGetItem',
          'dynamodb:ConditionCheckItem',
          'dynamodb:GetItem',
          'dynamodb:Query',
          'dynamodb:Query',
        ].sort(),
      );
      expect(dynamo.map((s) => s.Resource)).toContainEqual(tableArn);
    });
  });

  it('outputs the names and ids the web app and the runbook need', () => {
    for (const output of [
      'TableName',
      'EventStreamName',
      'LakeBucketName',
      'UserPoolId',
      'UserPoolClientId',
      'HostedUiDomain',
    ]) {
      template.hasOutput(output, {});
    }
  });
});
