import { createPrivateKey, type KeyObject } from 'node:crypto';
import * as z from 'zod';
import { WarehouseError } from '#shared/ports/warehouse.ts';

/** What the adapter signs in with (key-pair JWT or, for local experiments only, a password). */
export interface SnowflakeLogin {
  username: string;
  /** Unencrypted PKCS#8 PEM (a passphrase-protected key is decrypted once, in memory). */
  privateKey?: string;
  password?: string;
}

/**
 * The secret's JSON: the format Firehose's Snowflake destination requires (its docs, "Understand secrets"), so one
 * secret (`SnowflakeCredentials` in CDK) serves the delivery stream and the warehouse adapter alike.
 * `private_key` is the PKCS#8 key in base64 without the PEM header/footer (Firehose's form); a full PEM is accepted too.
 */
const keySecretSchema = z.object({
  user: z.string().min(1),
  private_key: z.string().min(1),
  key_passphrase: z.string().min(1).optional(),
});

/**
 * The secret still holds the placeholder the stack created (`{}`): no login has been put yet. Told apart from a
 * wrong secret so the deploy-time migration can wait for it instead of failing the deploy.
 */
export class SnowflakeLoginNotSetError extends WarehouseError {}

export const KEY_SECRET_FORMAT =
  '{"user": "...", "private_key": "<PKCS#8 base64, no PEM header>", "key_passphrase"?: "..."}';

/** Parses the secret's string into a login; errors name what is wrong, never a value. */
export function parseKeySecret(secretString: string): SnowflakeLogin {
  let json: unknown;
  try {
    json = JSON.parse(secretString);
  } catch {
    throw new WarehouseError(`the Snowflake key secret is not JSON; expected ${KEY_SECRET_FORMAT}`);
  }
  if (json !== null && typeof json === 'object' && !Array.isArray(json) && Object.keys(json).length === 0) {
    throw new SnowflakeLoginNotSetError(`the Snowflake key secret has no login yet; put ${KEY_SECRET_FORMAT}`);
  }
  const parsed = keySecretSchema.safeParse(json);
  if (!parsed.success) {
    const fields = [...new Set(parsed.error.issues.map((issue) => issue.path.join('.') || '(root)'))].join(', ');
    throw new WarehouseError(
      `the Snowflake key secret is missing or has invalid ${fields}; expected ${KEY_SECRET_FORMAT}`,
    );
  }
  const { user, private_key: privateKey, key_passphrase: passphrase } = parsed.data;
  return { username: user, privateKey: privateKeyPem(privateKey, passphrase) };
}

/**
 * Normalizes a key (PEM, or Firehose's header-less base64 PKCS#8 DER; encrypted when a passphrase is given) to the
 * unencrypted PKCS#8 PEM `snowflake-sdk` takes, checking on the way that it is an RSA private key (what Snowflake's
 * key-pair authentication uses). Node's crypto error is not attached: it says nothing useful and stays clear of key
 * material.
 */
export function privateKeyPem(privateKey: string, passphrase?: string): string {
  const text = privateKey.trim();
  let key: KeyObject;
  try {
    key = text.startsWith('-----BEGIN')
      ? createPrivateKey({ key: text, format: 'pem', ...(passphrase ? { passphrase } : {}) })
      : createPrivateKey({
          key: Buffer.from(text.replace(/\s+/g, ''), 'base64'),
          format: 'der',
          type: 'pkcs8',
          ...(passphrase ? { passphrase } : {}),
        });
  } catch {
    throw new WarehouseError(
      'the Snowflake private key could not be read: expected a PKCS#8 RSA key (base64 without header, or PEM) and, ' +
        'for an encrypted key, its passphrase',
    );
  }
  if (key.asymmetricKeyType !== 'rsa') {
    throw new WarehouseError(`the Snowflake private key is ${key.asymmetricKeyType ?? 'not asymmetric'}, not RSA`);
  }
  return key.export({ type: 'pkcs8', format: 'pem' }).toString();
}

/**
 * Reads a secret's string with the AWS SDK. The client is imported and built on the first read (the analytics
 * function's cold start does not pay for it) and reused by the container.
 */
export function secretsManagerReader(region: string): (secretArn: string) => Promise<string> {
  let client: Promise<{ read(secretArn: string): Promise<string | undefined> }> | null = null;
  return async (secretArn) => {
    if (!client) {
      const loading = import('@aws-sdk/client-secrets-manager').then(
        ({ SecretsManagerClient, GetSecretValueCommand }) => {
          const sdk = new SecretsManagerClient({ region });
          return {
            read: async (id: string) => (await sdk.send(new GetSecretValueCommand({ SecretId: id }))).SecretString,
          };
        },
      );
      loading.catch(() => {
        if (client === loading) client = null; // a failed import is tried again, not kept
      });
      client = loading;
    }
    const secret = await (await client).read(secretArn);
    if (!secret) throw new WarehouseError('the Snowflake key secret has no string value');
    return secret;
  };
}
