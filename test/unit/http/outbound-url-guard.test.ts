import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  assertOutboundUrlAllowed,
  checkOutboundUrlShape,
  guardedLookup,
  type OutboundPolicy,
  OutboundUrlRefusedError,
  outboundRequest,
  refuseAddress,
  STRICT_OUTBOUND_POLICY,
} from '#functions/adapters/http/outbound-url-guard.ts';

const LOCAL: OutboundPolicy = { allowLoopback: true };

async function refusal(promise: Promise<unknown> | (() => unknown)): Promise<OutboundUrlRefusedError> {
  try {
    await (typeof promise === 'function' ? promise() : promise);
  } catch (error) {
    if (error instanceof OutboundUrlRefusedError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('refuseAddress', () => {
  it.each([
    '127.0.0.1',
    '10.1.2.3',
    '172.16.0.1',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '224.0.0.1',
    '255.255.255.255',
    '::1',
    '::',
    'fe80::1',
    'fc00::1',
    'fd00:ec2::254',
    '::ffff:127.0.0.1',
    '::ffff:169.254.169.254',
    '64:ff9b::a00:1',
    '2002:a00:1::',
    'ff02::1',
  ])('refuses %s', (address) => {
    expect(refuseAddress(address, STRICT_OUTBOUND_POLICY)).toMatch(/non-public range/);
  });

  it.each(['93.184.216.34', '8.8.8.8', '2606:4700:4700::1111'])('allows public %s', (address) => {
    expect(refuseAddress(address, STRICT_OUTBOUND_POLICY)).toBeNull();
  });

  it('allows loopback only under the local policy, never private ranges', () => {
    expect(refuseAddress('127.0.0.1', LOCAL)).toBeNull();
    expect(refuseAddress('::1', LOCAL)).toBeNull();
    expect(refuseAddress('10.0.0.1', LOCAL)).not.toBeNull();
    expect(refuseAddress('169.254.169.254', LOCAL)).not.toBeNull();
  });
});

describe('checkOutboundUrlShape', () => {
  it.each([
    ['http://example.com/hook', 'scheme_not_allowed'],
    ['ftp://example.com/', 'scheme_not_allowed'],
    ['file:///etc/passwd', 'scheme_not_allowed'],
    ['not a url', 'invalid_url'],
    ['https://user:pw@example.com/', 'credentials_in_url'],
    ['https://127.0.0.1/', 'address_not_allowed'],
    ['https://2130706433/', 'address_not_allowed'],
    ['https://0177.0.0.1/', 'address_not_allowed'],
    ['https://0x7f.1/', 'address_not_allowed'],
    ['https://[::1]/', 'address_not_allowed'],
    ['https://[::ffff:a9fe:a9fe]/', 'address_not_allowed'],
    ['https://169.254.169.254/latest/meta-data/', 'address_not_allowed'],
    ['https://localhost/', 'address_not_allowed'],
  ])('refuses %s (%s)', async (url, reason) => {
    expect((await refusal(() => checkOutboundUrlShape(url, STRICT_OUTBOUND_POLICY))).reason).toBe(reason);
  });

  it('accepts https to a public name, and http to loopback only under the local policy', () => {
    expect(checkOutboundUrlShape('https://hooks.example.com/a?b=1', STRICT_OUTBOUND_POLICY).host).toBe(
      'hooks.example.com',
    );
    expect(checkOutboundUrlShape('http://127.0.0.1:4000/x', LOCAL).port).toBe('4000');
    expect(() => checkOutboundUrlShape('http://10.0.0.1/x', LOCAL)).toThrow(OutboundUrlRefusedError);
  });

  it('converts to a 400 naming the field', () => {
    const error = new OutboundUrlRefusedError('scheme_not_allowed', 'must use https');
    const validation = error.toValidationError('url');
    expect(validation.message).toBe('url: must use https');
    expect(validation.code).toBe('outbound_url_refused');
  });
});

describe('assertOutboundUrlAllowed', () => {
  const resolverFor = (addresses: string[]) => async () =>
    addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));

  it('refuses a name when any resolved address is private', async () => {
    const error = await refusal(
      assertOutboundUrlAllowed(
        'https://rebind.example.com/',
        STRICT_OUTBOUND_POLICY,
        resolverFor(['93.184.216.34', '10.0.0.5']),
      ),
    );
    expect(error.reason).toBe('address_not_allowed');
    expect(error.message).toContain('10.0.0.5');
  });

  it('refuses a name resolving to the metadata address over IPv6-mapped form', async () => {
    const error = await refusal(
      assertOutboundUrlAllowed(
        'https://meta.example.com/',
        STRICT_OUTBOUND_POLICY,
        resolverFor(['::ffff:169.254.169.254']),
      ),
    );
    expect(error.reason).toBe('address_not_allowed');
  });

  it('accepts a name resolving only to public addresses', async () => {
    const url = await assertOutboundUrlAllowed(
      'https://ok.example.com/x',
      STRICT_OUTBOUND_POLICY,
      resolverFor(['93.184.216.34', '2606:4700:4700::1111']),
    );
    expect(url.pathname).toBe('/x');
  });

  it('reports an unresolvable name', async () => {
    const error = await refusal(
      assertOutboundUrlAllowed('https://nowhere.example.com/', STRICT_OUTBOUND_POLICY, async () => {
        throw new Error('ENOTFOUND');
      }),
    );
    expect(error.reason).toBe('dns_failed');
  });
});

describe('guardedLookup (connect-time check)', () => {
  it('refuses a host that resolves to loopback under the strict policy', async () => {
    const error = await new Promise<Error | null>((resolve) =>
      guardedLookup(STRICT_OUTBOUND_POLICY)('localhost', { all: false }, (err) => resolve(err)),
    );
    expect(error).toBeInstanceOf(OutboundUrlRefusedError);
  });

  it('resolves it under the local policy', async () => {
    const address = await new Promise<string>((resolve, reject) =>
      guardedLookup(LOCAL)('localhost', { all: false }, (err, addr) => (err ? reject(err) : resolve(addr as string))),
    );
    expect(['127.0.0.1', '::1']).toContain(address);
  });
});

describe('outboundRequest against a real local server', () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/redirect') {
        res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
      } else if (req.url === '/feed' && req.headers['if-none-match'] === '"v1"') {
        res.writeHead(304, { etag: '"v1"' }).end();
      } else if (req.url === '/big') {
        res.writeHead(200).end('x'.repeat(64 * 1024));
      } else if (req.url === '/slow') {
        setTimeout(() => res.writeHead(200).end('late'), 2_000);
      } else {
        let body = '';
        req.on('data', (c) => {
          body += c;
        });
        req.on('end', () => res.writeHead(201, { etag: '"v1"' }).end(`${req.method} ${body}`));
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('posts and returns status, headers and body under the local policy', async () => {
    const response = await outboundRequest(`${base}/hook`, { method: 'POST', body: 'hello' }, LOCAL);
    expect(response.status).toBe(201);
    expect(response.headers.etag).toBe('"v1"');
    expect(response.body).toBe('POST hello');
  });

  it('refuses the same server under the strict policy before connecting', async () => {
    expect((await refusal(outboundRequest(`${base}/hook`, {}, STRICT_OUTBOUND_POLICY))).reason).toBe(
      'scheme_not_allowed',
    );
  });

  it('does not follow redirects', async () => {
    expect((await refusal(outboundRequest(`${base}/redirect`, {}, LOCAL))).reason).toBe('redirect_not_followed');
  });

  it('returns 304 Not Modified to a conditional GET (it is not a redirect)', async () => {
    const response = await outboundRequest(`${base}/feed`, { headers: { 'if-none-match': '"v1"' } }, LOCAL);
    expect(response.status).toBe(304);
    expect(response.body).toBe('');
  });

  it('cuts off oversized responses', async () => {
    const error = await refusal(outboundRequest(`${base}/big`, { maxResponseBytes: 1024 }, LOCAL));
    expect(error.reason).toBe('response_too_large');
  });

  it('times out', async () => {
    expect((await refusal(outboundRequest(`${base}/slow`, { timeoutMs: 200 }, LOCAL))).reason).toBe('timeout');
  });

  it('refuses at connect time when the host name resolves to loopback under a non-loopback policy', async () => {
    // A rebinding name: public when the URL was saved, 127.0.0.1 when the socket connects.
    const rebinding = async () => [{ address: '127.0.0.1', family: 4 }];
    const error = await refusal(
      outboundRequest('https://rebind.example.com:1/', {}, STRICT_OUTBOUND_POLICY, rebinding),
    );
    expect(error.reason).toBe('address_not_allowed');
    expect(error.message).toContain('127.0.0.1');
  });
});
