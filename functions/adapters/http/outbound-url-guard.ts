import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';
import { ValidationError } from '#shared/domain/errors.ts';

/**
 * Outbound requests to URLs a tenant can set (CRM webhooks, news feeds) — docs/adr/0008-outbound-url-guard-against-ssrf.md.
 *
 * A tenant-controlled URL is an SSRF vector: it must never reach the metadata service, the VPC, or the machine
 * itself. The rules:
 * - `https:` only (plain `http:` only to loopback, and only when the policy explicitly allows loopback: local mode);
 * - no credentials in the URL;
 * - every address the host name resolves to must be public unicast: private, loopback, link-local (incl.
 *   169.254.169.254), CGNAT, multicast, reserved, unique-local and the IPv6 transition ranges that embed an IPv4
 *   address (IPv4-mapped, NAT64, 6to4, Teredo) are refused;
 * - the check runs again inside the socket's DNS lookup, on the very address the connection uses, so DNS rebinding
 *   between "check" and "connect" cannot slip a private address through;
 * - redirects are never followed (a 3xx is an error), so a public URL cannot bounce the request inward.
 *
 * Numeric host forms (decimal `2130706433`, octal `0177.0.0.1`, hex `0x7f.1`) are normalised by the WHATWG URL
 * parser before the check, so they are judged as the address they really are.
 */
export interface OutboundPolicy {
  /**
   * Allow loopback targets (and plain http to them). Only the local stack sets this, so its receivers and replay
   * servers on 127.0.0.1 work; private and link-local ranges stay refused even then.
   * @default false
   */
  allowLoopback: boolean;
}

export const STRICT_OUTBOUND_POLICY: OutboundPolicy = Object.freeze({ allowLoopback: false });

/** Reads the policy from the environment once (`OUTBOUND_ALLOW_LOOPBACK=true` only in local mode). */
export function outboundPolicyFromEnv(env: NodeJS.ProcessEnv = process.env): OutboundPolicy {
  return { allowLoopback: env.OUTBOUND_ALLOW_LOOPBACK === 'true' };
}

export type OutboundRefusalReason =
  | 'invalid_url'
  | 'scheme_not_allowed'
  | 'credentials_in_url'
  | 'address_not_allowed'
  | 'dns_failed'
  | 'redirect_not_followed'
  | 'response_too_large'
  | 'timeout'
  | 'network_error';

/** The URL or the response was refused by the outbound rules; `reason` is stable, the message safe to show. */
export class OutboundUrlRefusedError extends Error {
  override readonly name = 'OutboundUrlRefusedError';
  constructor(
    readonly reason: OutboundRefusalReason,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** The same refusal as a 400 naming the offending field, for use cases validating tenant input. */
  toValidationError(field: string): ValidationError {
    return new ValidationError(`${field}: ${this.message}`, {
      code: 'outbound_url_refused',
      details: [{ path: field, message: this.message, reason: this.reason }],
    });
  }
}

/** Ranges (ipaddr.js names) an outbound request may reach. Everything else — including unknown new ranges — is refused. */
const PUBLIC_RANGES = new Set(['unicast']);

/** Why an address is refused, or null when it is a public unicast address (or loopback under a permissive policy). */
export function refuseAddress(address: string, policy: OutboundPolicy): string | null {
  if (!ipaddr.isValid(address)) return `${address} is not an IP address`;
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6') {
    const v6 = parsed as ipaddr.IPv6;
    // An IPv4-mapped address (::ffff:127.0.0.1) connects to the IPv4 address it carries: judge that one.
    if (v6.isIPv4MappedAddress()) parsed = v6.toIPv4Address();
  }
  const range = parsed.range();
  if (PUBLIC_RANGES.has(range)) return null;
  if (range === 'loopback' && policy.allowLoopback) return null;
  return `${address} is in a non-public range (${range})`;
}

function isLoopbackHost(hostname: string): boolean {
  if (hostname === 'localhost') return true;
  const bare = stripBrackets(hostname);
  if (!ipaddr.isValid(bare)) return false;
  let parsed = ipaddr.parse(bare);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) {
    parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  }
  return parsed.range() === 'loopback';
}

function stripBrackets(hostname: string): string {
  return hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
}

/**
 * Checks the shape of a URL without touching the network: parseable, https (or http to loopback when allowed),
 * no user-info, and a literal IP host must be allowed. Use it for fast validation of tenant input; use
 * {@link assertOutboundUrlAllowed} (which also resolves the name) before saving a URL.
 */
export function checkOutboundUrlShape(raw: string, policy: OutboundPolicy): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch (cause) {
    throw new OutboundUrlRefusedError('invalid_url', 'is not a valid absolute URL', { cause });
  }
  const loopbackHost = isLoopbackHost(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && policy.allowLoopback && loopbackHost)) {
    throw new OutboundUrlRefusedError('scheme_not_allowed', `must use https (got ${url.protocol.replace(':', '')})`);
  }
  if (url.username || url.password) {
    throw new OutboundUrlRefusedError('credentials_in_url', 'must not carry credentials; use the secret field');
  }
  const host = stripBrackets(url.hostname);
  if (ipaddr.isValid(host)) {
    const refusal = refuseAddress(host, policy);
    if (refusal) throw new OutboundUrlRefusedError('address_not_allowed', `points at a refused address: ${refusal}`);
  } else if (url.hostname === 'localhost' && !policy.allowLoopback) {
    throw new OutboundUrlRefusedError('address_not_allowed', 'points at a refused address: localhost');
  }
  return url;
}

/** Name resolution, injectable so tests can play a rebinding DNS server. */
export type Resolver = (hostname: string) => Promise<LookupAddress[]>;

const systemResolver: Resolver = (hostname) =>
  new Promise((resolve, reject) => {
    dnsLookup(hostname, { all: true, verbatim: true }, (error, addresses) =>
      error ? reject(error) : resolve(addresses),
    );
  });

/**
 * Full check of a tenant-supplied URL: its shape, then every address its host resolves to. Throws
 * {@link OutboundUrlRefusedError}; returns the parsed URL.
 */
export async function assertOutboundUrlAllowed(
  raw: string,
  policy: OutboundPolicy,
  resolve: Resolver = systemResolver,
): Promise<URL> {
  const url = checkOutboundUrlShape(raw, policy);
  const host = stripBrackets(url.hostname);
  if (ipaddr.isValid(host)) return url;
  let addresses: LookupAddress[];
  try {
    addresses = await resolve(host);
  } catch (cause) {
    throw new OutboundUrlRefusedError('dns_failed', `host ${host} could not be resolved`, { cause });
  }
  if (addresses.length === 0) throw new OutboundUrlRefusedError('dns_failed', `host ${host} has no addresses`);
  for (const { address } of addresses) {
    const refusal = refuseAddress(address, policy);
    if (refusal) {
      throw new OutboundUrlRefusedError(
        'address_not_allowed',
        `host ${host} resolves to a refused address: ${refusal}`,
      );
    }
  }
  return url;
}

/** A socket lookup that refuses non-public addresses at connect time (defeats DNS rebinding). */
export function guardedLookup(policy: OutboundPolicy, resolve: Resolver = systemResolver): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname).then(
      (list) => answer(null, list),
      (error: NodeJS.ErrnoException) => answer(error, []),
    );
    function answer(error: NodeJS.ErrnoException | null, list: LookupAddress[]) {
      if (error) return callback(error, '', 0);
      for (const { address } of list) {
        const refusal = refuseAddress(address, policy);
        if (refusal) {
          return callback(
            new OutboundUrlRefusedError(
              'address_not_allowed',
              `host ${hostname} resolves to a refused address: ${refusal}`,
            ),
            '',
            0,
          );
        }
      }
      if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, list);
      const first = list[0];
      if (!first)
        return callback(new OutboundUrlRefusedError('dns_failed', `host ${hostname} has no addresses`), '', 0);
      return callback(null, first.address, first.family);
    }
  };
}

export interface OutboundRequest {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD';
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  /** Whole-request deadline. @default 10000 */
  timeoutMs?: number;
  /** Larger responses are cut off with `response_too_large`. @default 5 MiB */
  maxResponseBytes?: number;
  signal?: AbortSignal;
  /**
   * `refuse` (the default) fails on a 3xx; `return` hands the 3xx back (status and `location`) without following
   * it, for callers that only want to know where a link points (grounding redirects), never to fetch the target.
   */
  redirects?: 'refuse' | 'return';
}

export interface OutboundResponse {
  status: number;
  headers: IncomingHttpHeaders;
  /** The body as UTF-8 text (JSON APIs, webhooks). */
  body: string;
  /** The body as received, for callers that must honour another charset (feeds). */
  bytes: Uint8Array;
}

/**
 * Performs one request to a tenant-supplied URL under the outbound rules. Never follows redirects (3xx other than
 * 304 throws `redirect_not_followed`); any other status, 304 included, is returned for the caller to interpret.
 */
export async function outboundRequest(
  raw: string,
  request: OutboundRequest,
  policy: OutboundPolicy,
  resolver: Resolver = systemResolver,
): Promise<OutboundResponse> {
  const url = checkOutboundUrlShape(raw, policy);
  const timeoutMs = request.timeoutMs ?? 10_000;
  const maxBytes = request.maxResponseBytes ?? 5 * 1024 * 1024;
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<OutboundResponse>((resolve, reject) => {
    let settled = false;
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      reject(error);
    };
    const req = send(
      url,
      {
        method: request.method ?? 'GET',
        headers: request.headers,
        lookup: guardedLookup(policy, resolver),
        // A fresh connection per request: a pooled socket to an address checked earlier must not be reused
        // after the name has moved.
        agent: false,
      },
      (res) => {
        const status = res.statusCode ?? 0;
        // 304 Not Modified answers a conditional GET (feeds): it is a status, not a redirect.
        if (status >= 300 && status < 400 && status !== 304 && request.redirects !== 'return') {
          res.resume();
          fail(new OutboundUrlRefusedError('redirect_not_followed', `answered ${status} (redirects are not followed)`));
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBytes) {
            fail(new OutboundUrlRefusedError('response_too_large', `response exceeds ${maxBytes} bytes`));
            return;
          }
          chunks.push(chunk);
        });
        res.on('error', (cause) => fail(new OutboundUrlRefusedError('network_error', 'response failed', { cause })));
        res.on('end', () => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          const bytes = Buffer.concat(chunks);
          resolve({ status, headers: res.headers, body: bytes.toString('utf8'), bytes });
        });
      },
    );
    const timer = setTimeout(
      () => fail(new OutboundUrlRefusedError('timeout', `no complete response within ${timeoutMs} ms`)),
      timeoutMs,
    );
    request.signal?.addEventListener('abort', () =>
      fail(new OutboundUrlRefusedError('timeout', 'aborted', { cause: request.signal?.reason })),
    );
    req.on('error', (cause) => {
      if (cause instanceof OutboundUrlRefusedError) fail(cause);
      else fail(new OutboundUrlRefusedError('network_error', `request failed: ${cause.message}`, { cause }));
    });
    if (request.body !== undefined) req.write(request.body);
    req.end();
  });
}
