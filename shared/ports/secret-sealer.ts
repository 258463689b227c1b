import type { TenantId } from '#shared/domain/workspace.ts';

/**
 * A tenant's secret as stored: encrypted under a data key that is itself encrypted by the key service and bound to
 * the tenant (the key service refuses to decrypt it for any other tenant). Only adapters read the fields.
 */
export interface SealedSecret {
  /** Format version. */
  v: 1;
  /** The encrypted data key (base64), as the key service returned it. */
  key: string;
  /** AES-256-GCM nonce, tag and ciphertext (base64). */
  iv: string;
  tag: string;
  data: string;
}

/** Envelope encryption of tenant secrets (integration signing secrets, webhook secrets) before they are stored. */
export interface SecretSealer {
  seal(tenantId: TenantId, plaintext: string): Promise<SealedSecret>;
  /** @throws when the secret was sealed for another tenant or was tampered with. */
  open(tenantId: TenantId, sealed: SealedSecret): Promise<string>;
}

export function isSealedSecret(value: unknown): value is SealedSecret {
  if (!value || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  return v.v === 1 && ['key', 'iv', 'tag', 'data'].every((field) => typeof v[field] === 'string');
}
