import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** HTTP helpers the replay servers share. */

export const encodeToken = (n: number) => Buffer.from(`o:${n}`).toString('base64url');
export function decodeToken(token: string | null): number {
  if (!token) return 0;
  const n = Number(Buffer.from(token, 'base64url').toString('utf8').replace(/^o:/, ''));
  return Number.isInteger(n) && n >= 0 ? n : 0;
}

export function clampInt(raw: string | null, min: number, max: number, fallback: number): number {
  const n = Number(raw);
  return raw !== null && Number.isInteger(n) ? Math.max(min, Math.min(max, n)) : fallback;
}

export function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}

export function sendText(
  res: ServerResponse,
  status: number,
  type: string,
  text: string,
  headers: Record<string, string> = {},
) {
  res.writeHead(status, { 'content-type': type, ...headers });
  res.end(text);
}

export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > 1024 * 1024) req.destroy(new Error('body too large'));
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
