import { createCipheriv, createDecipheriv, randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { dirname } from 'node:path';

/**
 * A local AWS KMS for the calls PromptPulse makes (`GenerateDataKey`, `Decrypt`, `Encrypt`), speaking the real
 * JSON 1.1 protocol (`X-Amz-Target: TrentService.<Op>`, blobs base64 in JSON, errors as `{"__type", "message"}`),
 * so the production sealer and the real SDK client run against it unchanged. Like DynamoDB Local it ignores SigV4.
 *
 * As in KMS, a ciphertext blob names its key and is bound to the encryption context: decrypting with another
 * context, another key or altered bytes answers `InvalidCiphertextException`. One symmetric key, known by its
 * alias, its key id and its ARN; its material lives in the data directory (so stored secrets survive a restart)
 * or only in memory.
 */
export const LOCAL_SECRETS_KEY_ALIAS = 'alias/promptpulse-secrets';
const KEY_ID = '00000000-0000-4000-8000-00000000c0de';
const KEY_ARN = `arn:aws:kms:us-east-1:000000000000:key/${KEY_ID}`;
const TARGET_PREFIX = 'TrentService.';
const MAX_BODY_BYTES = 64 * 1024;
/** KMS caps a plaintext at 4 KiB and a data key at 1,024 bytes. */
const MAX_PLAINTEXT_BYTES = 4096;

class KmsError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

type Json = Record<string, unknown>;

function keyMaterial(file: string | null): Buffer {
  if (file && existsSync(file)) return Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
  const material = randomBytes(32);
  if (file) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, material.toString('base64'), { mode: 0o600 });
  }
  return material;
}

/** The encryption context as KMS compares it: every pair, order-independent. */
function contextOf(input: Json): Buffer {
  const context = input.EncryptionContext;
  if (context === undefined || context === null) return Buffer.alloc(0);
  if (typeof context !== 'object' || Array.isArray(context)) {
    throw new KmsError('ValidationException', 'EncryptionContext must be a map of strings');
  }
  const pairs = Object.entries(context as Json).map(([k, v]) => {
    if (typeof v !== 'string')
      throw new KmsError('ValidationException', `EncryptionContext value of ${k} must be a string`);
    return [k, v] as const;
  });
  return Buffer.from(JSON.stringify(pairs.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))), 'utf8');
}

function requireKey(input: Json, required: boolean): void {
  const keyId = input.KeyId;
  if (keyId === undefined && !required) return;
  if (typeof keyId !== 'string' || keyId.length === 0) {
    throw new KmsError(
      'ValidationException',
      "1 validation error detected: Value null at 'keyId' failed to satisfy constraint: Member must not be null",
    );
  }
  if (![LOCAL_SECRETS_KEY_ALIAS, KEY_ID, KEY_ARN].includes(keyId)) {
    throw new KmsError('NotFoundException', `Key '${keyId}' does not exist`);
  }
}

function blob(input: Json, field: string): Buffer {
  const value = input[field];
  if (typeof value !== 'string') throw new KmsError('ValidationException', `${field} is required`);
  return Buffer.from(value, 'base64');
}

export function createKmsHandler(options: {
  keyFile: string | null;
}): (req: IncomingMessage, res: ServerResponse) => void {
  const material = keyMaterial(options.keyFile);

  // Blob layout: version (1) | key id (36, ASCII) | nonce (12) | tag (16) | ciphertext.
  const encrypt = (plaintext: Buffer, context: Buffer): Buffer => {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', material, iv);
    cipher.setAAD(context);
    const data = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return Buffer.concat([Buffer.from([1]), Buffer.from(KEY_ID, 'ascii'), iv, cipher.getAuthTag(), data]);
  };
  const decrypt = (ciphertext: Buffer, context: Buffer): Buffer => {
    const invalid = () => new KmsError('InvalidCiphertextException', '');
    if (ciphertext.length < 1 + 36 + 12 + 16 || ciphertext[0] !== 1) throw invalid();
    if (ciphertext.subarray(1, 37).toString('ascii') !== KEY_ID) throw invalid();
    try {
      const decipher = createDecipheriv('aes-256-gcm', material, ciphertext.subarray(37, 49));
      decipher.setAAD(context);
      decipher.setAuthTag(ciphertext.subarray(49, 65));
      return Buffer.concat([decipher.update(ciphertext.subarray(65)), decipher.final()]);
    } catch {
      throw invalid();
    }
  };

  const operations: Record<string, (input: Json) => Json> = {
    GenerateDataKey(input) {
      requireKey(input, true);
      const spec = input.KeySpec;
      const bytes = input.NumberOfBytes;
      if (spec !== undefined && bytes !== undefined) {
        throw new KmsError('ValidationException', 'Please specify either number of bytes or key spec.');
      }
      const length = spec === 'AES_256' ? 32 : spec === 'AES_128' ? 16 : typeof bytes === 'number' ? bytes : Number.NaN;
      if (!Number.isInteger(length) || length < 1 || length > 1024) {
        throw new KmsError('ValidationException', 'Please specify either number of bytes or key spec.');
      }
      const plaintext = randomBytes(length);
      return {
        KeyId: KEY_ARN,
        Plaintext: plaintext.toString('base64'),
        CiphertextBlob: encrypt(plaintext, contextOf(input)).toString('base64'),
      };
    },
    Encrypt(input) {
      requireKey(input, true);
      const plaintext = blob(input, 'Plaintext');
      if (plaintext.length < 1 || plaintext.length > MAX_PLAINTEXT_BYTES) {
        throw new KmsError('ValidationException', 'Plaintext must be 1 to 4096 bytes');
      }
      return {
        KeyId: KEY_ARN,
        CiphertextBlob: encrypt(plaintext, contextOf(input)).toString('base64'),
        EncryptionAlgorithm: 'SYMMETRIC_DEFAULT',
      };
    },
    Decrypt(input) {
      requireKey(input, false);
      const plaintext = decrypt(blob(input, 'CiphertextBlob'), contextOf(input));
      return { KeyId: KEY_ARN, Plaintext: plaintext.toString('base64'), EncryptionAlgorithm: 'SYMMETRIC_DEFAULT' };
    },
  };

  return (req, res) => {
    const send = (status: number, body: Json, errorType?: string) => {
      const payload = JSON.stringify(body);
      res.writeHead(status, {
        'content-type': 'application/x-amz-json-1.1',
        'content-length': Buffer.byteLength(payload),
        'x-amzn-requestid': randomUUID(),
        ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
      });
      res.end(payload);
    };
    const fail = (error: KmsError) => send(error.status, { __type: error.type, message: error.message }, error.type);
    if (req.method !== 'POST') {
      req.resume();
      return fail(new KmsError('UnknownOperationException', 'Only POST is supported.', 405));
    }
    const target = String(req.headers['x-amz-target'] ?? '');
    const operation = target.startsWith(TARGET_PREFIX) ? operations[target.slice(TARGET_PREFIX.length)] : undefined;
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => {
      try {
        if (size > MAX_BODY_BYTES) throw new KmsError('SerializationException', 'Request body too large.', 413);
        if (!operation) throw new KmsError('UnknownOperationException', `Unknown operation ${target || '(none)'}`);
        let input: unknown;
        try {
          input = chunks.length === 0 ? {} : JSON.parse(Buffer.concat(chunks).toString('utf8'));
        } catch {
          throw new KmsError('SerializationException', 'Start of structure or map found where not expected.');
        }
        if (!input || typeof input !== 'object' || Array.isArray(input)) {
          throw new KmsError('SerializationException', 'Start of structure or map found where not expected.');
        }
        send(200, operation(input as Json));
      } catch (error) {
        fail(
          error instanceof KmsError
            ? error
            : new KmsError('KMSInternalException', 'Internal error in the local KMS.', 500),
        );
      }
    });
    req.on('error', () => fail(new KmsError('SerializationException', 'Request body could not be read.')));
  };
}
