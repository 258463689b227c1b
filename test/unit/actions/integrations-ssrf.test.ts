import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STRICT_OUTBOUND_POLICY } from '../../../functions/adapters/http/outbound-url-guard.ts';
import {
  GuardedUrlValidator,
  GuardedWebhookSender,
  hmacSigner,
} from '../../../functions/adapters/integrations/outbound.ts';
import type { Delivery } from '../../../shared/contracts/integrations.ts';
import { ValidationError } from '../../../shared/domain/errors.ts';
import type { TenantId } from '../../../shared/domain/workspace.ts';
import type { IntegrationRecord } from '../../../shared/ports/actions.ts';
import { attemptDelivery, backoffDelay, type IntegrationDeps } from '../../../shared/use-cases/integrations.ts';

/** A resolver that answers from a table, as DNS would (a public-looking name pointing at a private address). */
const fakeDns = (table: Record<string, string[]>) => async (host: string) => {
  const addresses = table[host];
  if (!addresses) throw new Error(`ENOTFOUND ${host}`);
  return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
};

async function refusal(validator: GuardedUrlValidator, url: string) {
  try {
    await validator.assertAllowed(url, 'url');
    return null;
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    const e = error as ValidationError;
    expect(e.code).toBe('outbound_url_refused');
    expect(JSON.stringify(e.details)).toContain('"path":"url"');
    return (e.details as { reason: string }[])[0]?.reason ?? 'unknown';
  }
}

describe('integration URL validation (strict policy: production)', () => {
  const validator = new GuardedUrlValidator(
    STRICT_OUTBOUND_POLICY,
    fakeDns({
      'crm.example.com': ['93.184.216.34'],
      'internal.example.com': ['10.1.2.3'],
      'sneaky.example.com': ['93.184.216.34', '127.0.0.1'],
      'v6loop.example.com': ['::1'],
      'metadata.example.com': ['169.254.169.254'],
      'mapped.example.com': ['::ffff:192.168.0.1'],
    }),
  );

  it('accepts a public https URL', async () => {
    expect(await refusal(validator, 'https://crm.example.com/hooks/promptpulse')).toBeNull();
  });

  it.each([
    ['http://crm.example.com/hook', 'scheme_not_allowed'],
    ['https://10.0.0.1/hook', 'address_not_allowed'],
    ['https://172.31.255.1/hook', 'address_not_allowed'],
    ['https://192.168.0.10/hook', 'address_not_allowed'],
    ['https://127.0.0.1/hook', 'address_not_allowed'],
    ['https://localhost/hook', 'address_not_allowed'],
    ['https://[::1]/hook', 'address_not_allowed'],
    ['https://[::ffff:127.0.0.1]/hook', 'address_not_allowed'],
    ['https://169.254.169.254/latest/meta-data/', 'address_not_allowed'],
    ['https://2130706433/hook', 'address_not_allowed'],
    ['https://internal.example.com/hook', 'address_not_allowed'],
    ['https://sneaky.example.com/hook', 'address_not_allowed'],
    ['https://v6loop.example.com/hook', 'address_not_allowed'],
    ['https://metadata.example.com/hook', 'address_not_allowed'],
    ['https://mapped.example.com/hook', 'address_not_allowed'],
    ['https://nowhere.example.com/hook', 'dns_failed'],
  ])('refuses %s (%s), naming the field', async (url, reason) => {
    expect(await refusal(validator, url)).toBe(reason);
  });
});

describe('deliveries never follow redirects', () => {
  let server: Server;
  let base = '';
  const hits: string[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      hits.push(req.url ?? '');
      if (req.url === '/redirect') {
        res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
      } else res.writeHead(200).end('{}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const address = server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  function deps(sender: GuardedWebhookSender) {
    const deliveries: Delivery[] = [];
    const d: IntegrationDeps = {
      integrations: {
        list: async () => [],
        get: async () => null,
        create: async () => {},
        update: async () => {},
        delete: async () => {},
        putDelivery: async (_t, delivery) => void deliveries.push(delivery),
        getDelivery: async () => null,
        listDeliveries: async () => ({ items: [], nextCursor: null }),
      },
      actions: {
        listForBrand: async () => [],
        listAll: async () => [],
        get: async () => null,
        create: async () => {},
        update: async () => {},
        listSync: async () => [],
        putSync: async () => {},
      },
      urls: { assertAllowed: async () => {} },
      sender,
      signer: hmacSigner,
      clock: { now: () => new Date() },
      ids: { next: () => '01KM0000000000000000000000' },
      sleep: async () => {},
    };
    return { d, deliveries };
  }
  const integration = (url: string): IntegrationRecord => ({
    id: 'int_01km0000000000000000000000',
    name: 'Redirecting CRM',
    kind: 'webhook',
    url,
    events: ['action.created'],
    enabled: true,
    secret: 'a-secret-of-sixteen-plus',
    secretHint: '…plus',
    lastDelivery: null,
    createdAt: new Date().toISOString(),
    updatedAt: new Date().toISOString(),
    version: 1,
  });
  const pending = (): Delivery => ({
    id: 'dlv_01km0000000000000000000000',
    integrationId: 'int_01km0000000000000000000000',
    actionId: 'act_01km0000000000000000000000',
    eventType: 'action.created',
    test: false,
    status: 'pending',
    attempts: [],
    reason: null,
    body: '{"hello":"crm"}',
    createdAt: new Date().toISOString(),
    updatedAt: new Date().toISOString(),
  });

  it('a 3xx is a failure: the redirect target is never requested and the delivery is dead-lettered with the reason', async () => {
    // Loopback allowed only so the test server is reachable; the redirect points at the metadata address.
    const sender = new GuardedWebhookSender({ allowLoopback: true }, 5_000);
    const { d } = deps(sender);
    const result = await attemptDelivery(d, 'ws_x' as TenantId, integration(`${base}/redirect`), pending(), {
      maxAttempts: 3,
      baseDelayMs: 1,
      maxDelayMs: 1,
    });
    expect(result.status).toBe('dead_lettered');
    expect(result.reason).toContain('redirect_not_followed');
    expect(hits.filter((h) => h === '/redirect')).toHaveLength(3);
    expect(hits.some((h) => h.includes('meta-data'))).toBe(false);
  });

  it('the strict policy refuses the loopback receiver at send time too (DNS-rebinding safe), without retrying forever', async () => {
    const sender = new GuardedWebhookSender(STRICT_OUTBOUND_POLICY, 5_000);
    const { d, deliveries } = deps(sender);
    const result = await attemptDelivery(d, 'ws_x' as TenantId, integration(`${base}/ok`), pending(), {
      maxAttempts: 2,
      baseDelayMs: 1,
      maxDelayMs: 1,
    });
    expect(result.status).toBe('dead_lettered');
    expect(result.attempts.every((a) => a.httpStatus === null)).toBe(true);
    expect(deliveries.at(-1)?.status).toBe('dead_lettered');
  });

  it('retries back off exponentially up to the cap; a 4xx other than 408/429 is not retried', async () => {
    expect(
      [1, 2, 3, 4, 10].map((k) => backoffDelay({ maxAttempts: 9, baseDelayMs: 1000, maxDelayMs: 30_000 }, k)),
    ).toEqual([1000, 2000, 4000, 8000, 30_000]);
    const refusing = createServer((_req, res) => res.writeHead(422).end());
    await new Promise<void>((r) => refusing.listen(0, '127.0.0.1', () => r()));
    const address = refusing.address();
    const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/`;
    const { d } = deps(new GuardedWebhookSender({ allowLoopback: true }, 5_000));
    const result = await attemptDelivery(d, 'ws_x' as TenantId, integration(url), pending(), {
      maxAttempts: 4,
      baseDelayMs: 1,
      maxDelayMs: 1,
    });
    await new Promise<void>((r) => refusing.close(() => r()));
    expect(result.attempts).toHaveLength(1);
    expect(result.reason).toMatch(/Refused by the endpoint: HTTP 422/);
  });
});
