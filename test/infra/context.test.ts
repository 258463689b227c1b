import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { buildTestApp } from './support.ts';

describe('deployment settings from CDK context', () => {
  it('derive the SPA origins, redirects, domain prefix, retention and throttling from context', () => {
    const { stateful, stateless } = buildTestApp({
      stackPrefix: 'PromptPulseStaging',
      webOrigins: 'https://app.example.com/, http://localhost:5173',
      authDomainPrefix: 'acme-promptpulse',
      logRetentionDays: 90,
      apiRateLimit: 10,
      apiBurstLimit: 20,
    });
    expect([stateful.stackName, stateless.stackName]).toEqual([
      'PromptPulseStaging-Stateful',
      'PromptPulseStaging-Stateless',
    ]);

    const statefulTemplate = Template.fromStack(stateful);
    statefulTemplate.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      CallbackURLs: ['https://app.example.com/auth/callback', 'http://localhost:5173/auth/callback'],
      LogoutURLs: ['https://app.example.com/', 'http://localhost:5173/'],
    });
    statefulTemplate.hasResourceProperties('AWS::Cognito::UserPoolDomain', { Domain: 'acme-promptpulse' });

    const statelessTemplate = Template.fromStack(stateless);
    statelessTemplate.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      CorsConfiguration: { AllowOrigins: ['https://app.example.com', 'http://localhost:5173'] },
    });
    statelessTemplate.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      DefaultRouteSettings: { ThrottlingRateLimit: 10, ThrottlingBurstLimit: 20 },
    });
    for (const logGroup of Object.values(statelessTemplate.findResources('AWS::Logs::LogGroup'))) {
      expect(logGroup.Properties.RetentionInDays).toBe(90);
    }
  });

  it('accepts explicit callback and logout URL lists (JSON arrays, as in cdk.json)', () => {
    const { stateful } = buildTestApp({
      callbackUrls: ['https://app.example.com/signed-in'],
      logoutUrls: ['https://app.example.com/bye'],
    });
    Template.fromStack(stateful).hasResourceProperties('AWS::Cognito::UserPoolClient', {
      CallbackURLs: ['https://app.example.com/signed-in'],
      LogoutURLs: ['https://app.example.com/bye'],
    });
  });

  it('refuses a log retention CloudWatch does not offer', () => {
    expect(() => buildTestApp({ logRetentionDays: 31 })).toThrow(/logRetentionDays/);
  });
});
