import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

/**
 * A stand-in CRM for the demo and the tests: accepts the Action Hub's signed webhooks and HubSpot- / Salesforce-
 * task-shaped POSTs, verifies the HMAC signature (and refuses stale timestamps), keeps the received tasks in memory
 * and lists them on a small page (`GET /`). `POST /_control` makes it fail on purpose (a CRM that is down), so the
 * retry, dead-letter and re-drive paths can be shown.
 */
export interface ReceivedTask {
  receivedAt: string;
  path: string;
  eventType: string | null;
  deliveryId: string | null;
  /** True when the HMAC signature matched the shared secret within the time window. */
  signatureValid: boolean;
  /** The `Authorization` header as received (API destinations authenticate with `Bearer <secret>`, unsigned). */
  authorization: string | null;
  title: string;
  status: string;
  actionId: string | null;
  body: unknown;
}

export interface CrmReceiver {
  url: string;
  /** The URL a generic webhook integration posts to. */
  webhookUrl: string;
  received(): ReceivedTask[];
  /** Answer every POST with `status` (e.g. 503) until `setDown(null)`. */
  setDown(status: number | null): void;
  stop(): Promise<void>;
}

const MAX_BODY = 256 * 1024;
const MAX_TASKS = 500;
const SIGNATURE_WINDOW_S = 300;

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

function verify(secret: string, header: string | undefined, body: string, nowS: number): boolean {
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header ?? '');
  if (!match?.[1] || !match[2]) return false;
  if (Math.abs(nowS - Number(match[1])) > SIGNATURE_WINDOW_S) return false;
  const expected = createHmac('sha256', secret).update(`${match[1]}.${body}`, 'utf8').digest();
  const given = Buffer.from(match[2], 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Title, status and action id from any of the three body shapes. */
function summarize(body: Record<string, unknown>): Pick<ReceivedTask, 'title' | 'status' | 'actionId'> {
  const props = body.properties as Record<string, unknown> | undefined;
  if (props) {
    return {
      title: String(props.hs_task_subject ?? ''),
      status: String(props.hs_task_status ?? ''),
      actionId: (props.promptpulse_action_id as string) ?? null,
    };
  }
  if ('Subject' in body) {
    return {
      title: String(body.Subject ?? ''),
      status: String(body.Status ?? ''),
      actionId: (body.PromptPulse_Action_Id__c as string) ?? null,
    };
  }
  const action = body.action as Record<string, unknown> | undefined;
  return {
    title: String(action?.title ?? ''),
    status: String(action?.status ?? ''),
    actionId: (action?.id as string) ?? null,
  };
}

export async function startCrmReceiver(options: {
  port?: number;
  secret: string;
  log?: (line: string) => void;
}): Promise<CrmReceiver> {
  const tasks: ReceivedTask[] = [];
  let down: number | null = null;

  const page = (res: ServerResponse) => {
    const rows = [...tasks]
      .reverse()
      .map(
        (t) =>
          `<tr><td>${escapeHtml(t.receivedAt)}</td><td>${escapeHtml(t.eventType ?? '')}</td><td>${escapeHtml(t.title)}</td>` +
          `<td>${escapeHtml(t.status)}</td><td>${t.signatureValid ? 'valid' : t.authorization ? 'bearer' : 'INVALID'}</td><td><code>${escapeHtml(t.path)}</code></td></tr>`,
      )
      .join('');
    res.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
    });
    res.end(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Local CRM receiver</title>` +
        `<style>body{font:14px system-ui;margin:2rem}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3rem .6rem;text-align:left}</style></head>` +
        `<body><h1>Local CRM receiver</h1><p>${tasks.length} task update(s) received${down ? ` — currently answering ${down} (down)` : ''}.</p>` +
        `<table><thead><tr><th>Received</th><th>Event</th><th>Task</th><th>Status</th><th>Signature</th><th>Path</th></tr></thead><tbody>${rows}</tbody></table></body></html>`,
    );
  };

  const readBody = (req: IncomingMessage) =>
    new Promise<string | null>((resolve) => {
      const chunks: Buffer[] = [];
      let size = 0;
      req.on('data', (c: Buffer) => {
        size += c.length;
        if (size > MAX_BODY) {
          resolve(null);
          req.destroy();
        } else chunks.push(c);
      });
      req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      req.on('error', () => resolve(null));
    });

  const server = createServer(async (req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (req.method === 'GET' && path === '/') return page(res);
    if (req.method === 'GET' && path === '/received.json') {
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(JSON.stringify({ tasks, down }));
    }
    if (req.method !== 'POST') return void res.writeHead(405).end();
    const raw = await readBody(req);
    if (raw === null) return void res.writeHead(413).end();
    if (path === '/_control') {
      try {
        const control = JSON.parse(raw) as { down?: number | null };
        down = typeof control.down === 'number' ? control.down : null;
        res.writeHead(204).end();
      } catch {
        res.writeHead(400).end();
      }
      return;
    }
    if (down !== null) {
      res.writeHead(down, { 'content-type': 'application/json' });
      return res.end(JSON.stringify({ error: 'the local CRM is down (on purpose)' }));
    }
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      return void res.writeHead(400).end();
    }
    const header = (name: string) => {
      const v = req.headers[name];
      return Array.isArray(v) ? v[0] : v;
    };
    const task: ReceivedTask = {
      receivedAt: new Date().toISOString(),
      path,
      eventType: header('x-promptpulse-event') ?? null,
      deliveryId: header('x-promptpulse-delivery') ?? null,
      signatureValid: verify(options.secret, header('x-promptpulse-signature'), raw, Math.floor(Date.now() / 1000)),
      authorization: header('authorization') ?? null,
      ...summarize(body),
      body,
    };
    tasks.push(task);
    if (tasks.length > MAX_TASKS) tasks.shift();
    options.log?.(
      `crm-receiver: ${task.eventType} “${task.title}” (${task.status}) signature ${task.signatureValid ? 'valid' : 'invalid'}`,
    );
    // A signed webhook, or a CRM-shaped POST with the right bearer token (what a HubSpot / Salesforce API checks).
    const bearerValid = task.authorization === `Bearer ${options.secret}` && !('action' in body);
    res.writeHead(task.signatureValid || bearerValid ? 201 : 401, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ id: `task_${tasks.length}` }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    webhookUrl: `${url}/webhook`,
    received: () => [...tasks],
    setDown: (status) => {
      down = status;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
