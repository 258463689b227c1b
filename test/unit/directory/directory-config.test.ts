import { describe, expect, it } from 'vitest';
import { ConfigError, readDirectoryConfig } from '../../../functions/config.ts';

describe('readDirectoryConfig', () => {
  it('reads the pool id and an optional endpoint override, defaulting the region', () => {
    expect(readDirectoryConfig({ USER_POOL_ID: 'us-east-1_abc' })).toEqual({
      AWS_REGION: 'us-east-1',
      USER_POOL_ID: 'us-east-1_abc',
    });
    expect(
      readDirectoryConfig({
        USER_POOL_ID: 'us-east-1_local',
        AWS_REGION: 'eu-west-1',
        COGNITO_ENDPOINT: 'http://127.0.0.1:4000/cognito-idp',
      }),
    ).toMatchObject({ AWS_REGION: 'eu-west-1', COGNITO_ENDPOINT: 'http://127.0.0.1:4000/cognito-idp' });
  });

  it('fails fast naming the missing or malformed variable', () => {
    expect(() => readDirectoryConfig({})).toThrowError(ConfigError);
    expect(() => readDirectoryConfig({})).toThrow(/USER_POOL_ID/);
    expect(() => readDirectoryConfig({ USER_POOL_ID: 'p', COGNITO_ENDPOINT: 'not a url' })).toThrow(/COGNITO_ENDPOINT/);
  });
});
