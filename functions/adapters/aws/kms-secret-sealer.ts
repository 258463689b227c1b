import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { DecryptCommand, GenerateDataKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import type { TenantId } from '#shared/domain/workspace.ts';
import { TENANT_SECRET_PURPOSE } from '#shared/infra/resources.ts';
import type { SealedSecret, SecretSealer } from '#shared/ports/secret-sealer.ts';

/** The sealer of a function's configuration, or null where no key is configured (unit tests of other parts). */
export function secretSealerFromConfig(config: {
  AWS_REGION: string;
  KMS_ENDPOINT?: string | undefined;
  SECRETS_KEY_ID?: string | undefined;
}): KmsSecretSealer | null {
  return config.SECRETS_KEY_ID ? new KmsSecretSealer(createKmsClient(config), config.SECRETS_KEY_ID) : null;
}

/** How long a container reuses one tenant's data key for sealing, and an opened data key for reading. */
const DATA_KEY_REUSE_MS = 5 * 60_000;
const MAX_CACHED_KEYS = 500;

export function createKmsClient(config: { AWS_REGION: string; KMS_ENDPOINT?: string | undefined }) {
  return new KMSClient({
    region: config.AWS_REGION,
    ...(config.KMS_ENDPOINT ? { endpoint: config.KMS_ENDPOINT } : {}),
    maxAttempts: 4,
  });
}

/**
 * Envelope encryption with AWS KMS: a 256-bit data key per tenant from `GenerateDataKey` under the secrets key,
 * with the encryption context `{tenant, purpose}`; the secret is encrypted with AES-256-GCM under that data key and
 * stored beside the encrypted data key. KMS decrypts a data key only with the same context, so a record read
 * under the wrong tenant (a key-builder bug) cannot be opened, and CloudTrail logs every decryption with its tenant.
 *
 * Data keys are cached per container for five minutes (sealing reuses one per tenant, opening remembers the
 * plaintext of each encrypted data key it has seen), which keeps KMS calls to about one per tenant per warm
 * container every five minutes instead of one per read.
 */
export class KmsSecretSealer implements SecretSealer {
  private readonly sealing = new Map<string, { at: number; plaintext: Buffer; encrypted: string }>();
  private readonly opened = new Map<string, { at: number; plaintext: Buffer }>();

  constructor(
    private readonly kms: KMSClient,
    private readonly keyId: string,
    private readonly now: () => number = Date.now,
  ) {}

  private context(tenantId: TenantId) {
    return { tenant: tenantId, purpose: TENANT_SECRET_PURPOSE };
  }

  private async dataKeyFor(tenantId: TenantId) {
    const cached = this.sealing.get(tenantId);
    if (cached && this.now() - cached.at < DATA_KEY_REUSE_MS) return cached;
    const out = await this.kms.send(
      new GenerateDataKeyCommand({ KeyId: this.keyId, KeySpec: 'AES_256', EncryptionContext: this.context(tenantId) }),
    );
    if (!out.Plaintext || !out.CiphertextBlob) throw new Error('KMS returned no data key');
    const entry = {
      at: this.now(),
      plaintext: Buffer.from(out.Plaintext),
      encrypted: Buffer.from(out.CiphertextBlob).toString('base64'),
    };
    remember(this.sealing, tenantId, entry);
    remember(this.opened, `${tenantId}|${entry.encrypted}`, { at: entry.at, plaintext: entry.plaintext });
    return entry;
  }

  async seal(tenantId: TenantId, plaintext: string): Promise<SealedSecret> {
    const dataKey = await this.dataKeyFor(tenantId);
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', dataKey.plaintext, iv);
    cipher.setAAD(Buffer.from(tenantId, 'utf8'));
    const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return {
      v: 1,
      key: dataKey.encrypted,
      iv: iv.toString('base64'),
      tag: cipher.getAuthTag().toString('base64'),
      data: data.toString('base64'),
    };
  }

  async open(tenantId: TenantId, sealed: SealedSecret): Promise<string> {
    const cacheKey = `${tenantId}|${sealed.key}`;
    let dataKey = this.opened.get(cacheKey);
    if (!dataKey || this.now() - dataKey.at >= DATA_KEY_REUSE_MS) {
      const out = await this.kms.send(
        new DecryptCommand({
          KeyId: this.keyId,
          CiphertextBlob: Buffer.from(sealed.key, 'base64'),
          EncryptionContext: this.context(tenantId),
        }),
      );
      if (!out.Plaintext) throw new Error('KMS returned no plaintext');
      dataKey = { at: this.now(), plaintext: Buffer.from(out.Plaintext) };
      remember(this.opened, cacheKey, dataKey);
    }
    const decipher = createDecipheriv('aes-256-gcm', dataKey.plaintext, Buffer.from(sealed.iv, 'base64'));
    decipher.setAAD(Buffer.from(tenantId, 'utf8'));
    decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(sealed.data, 'base64')), decipher.final()]).toString('utf8');
  }
}

function remember<T>(cache: Map<string, T>, key: string, value: T): void {
  cache.delete(key);
  cache.set(key, value);
  // Oldest first: a Map iterates in insertion order.
  while (cache.size > MAX_CACHED_KEYS) cache.delete(cache.keys().next().value as string);
}
