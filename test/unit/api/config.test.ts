import { describe, expect, it } from 'vitest';
import { ConfigError, readApiConfig } from '../../../functions/config.ts';

describe('function configuration', () => {
  it('names every missing or malformed variable at once', () => {
    expect(() => readApiConfig({ AUTH_PROVIDER: 'oidc', OIDC_ISSUER: 'not a url' })).toThrowError(ConfigError);
    try {
      readApiConfig({ AUTH_PROVIDER: 'oidc', OIDC_ISSUER: 'not a url' });
    } catch (error) {
      expect((error as Error).message).toContain('TABLE_NAME');
    }
    expect(() => readApiConfig({ TABLE_NAME: 't', AUTH_PROVIDER: 'cognito' })).toThrow(/COGNITO_USER_POOL_ID/);
    expect(() => readApiConfig({ TABLE_NAME: 't', AUTH_PROVIDER: 'oidc', OIDC_ISSUER: 'not a url' })).toThrow(
      /OIDC_ISSUER/,
    );
  });

  it('reads a complete configuration with defaults and endpoint overrides', () => {
    const config = readApiConfig({
      TABLE_NAME: 'promptpulse-main',
      DYNAMODB_ENDPOINT: 'http://127.0.0.1:8000',
      AUTH_PROVIDER: 'cognito',
      COGNITO_USER_POOL_ID: 'us-east-1_abc',
      COGNITO_CLIENT_ID: 'client',
    });
    expect(config).toMatchObject({
      TABLE_NAME: 'promptpulse-main',
      DYNAMODB_ENDPOINT: 'http://127.0.0.1:8000',
      MAX_BODY_BYTES: 262144,
    });
    expect(config.auth).toMatchObject({ AUTH_PROVIDER: 'cognito', COGNITO_USER_POOL_ID: 'us-east-1_abc' });
  });
});
