import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import {
  type BusEvent,
  EventBridgeError,
  LocalApiDestinations,
  type LocalApiDestinationsOptions,
} from './api-destinations.ts';

export interface LocalEventBridgeOptions extends LocalApiDestinationsOptions {
  /** Every event accepted by PutEvents (the Lambda-path sync rule of the local bus hooks in here). */
  onEvent?: (busName: string, event: BusEvent) => void;
}

export interface LocalEventBridge {
  /** `EVENTBRIDGE_ENDPOINT` for the SDK. */
  endpoint: string;
  destinations: LocalApiDestinations;
  stop(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/**
 * An EventBridge JSON 1.1 endpoint (`X-Amz-Target: AWSEvents.<op>`): PutEvents, plus the connection / API
 * destination / rule / target operations of {@link LocalApiDestinations}, errors as `{__type, message}` so the SDK
 * raises the same exception names as AWS. `GET /_dead-letters` lists what API destination targets gave up on.
 */
export async function startLocalEventBridge(options: LocalEventBridgeOptions = {}): Promise<LocalEventBridge> {
  const destinations = new LocalApiDestinations(options);
  const region = options.region ?? 'us-east-1';
  const server = createServer(async (req, res) => {
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(JSON.stringify(body));
    };
    if (req.method === 'GET' && req.url === '/_dead-letters') return reply(200, { items: destinations.deadLetters() });
    const op = String(req.headers['x-amz-target'] ?? '').replace(/^AWSEvents\./, '');
    if (req.method !== 'POST') return reply(400, { __type: 'UnknownOperationException', message: 'POST only' });
    let request: Record<string, unknown>;
    try {
      request = JSON.parse((await readBody(req)) || '{}');
    } catch {
      return reply(400, { __type: 'ValidationException', message: 'body is not JSON' });
    }
    try {
      if (op === 'PutEvents') return reply(200, putEvents(request));
      const result = destinations.handle(op, request);
      if (result === null) return reply(400, { __type: 'UnknownOperationException', message: `unsupported: ${op}` });
      return reply(200, result);
    } catch (error) {
      if (error instanceof EventBridgeError) return reply(400, { __type: error.type, message: error.message });
      return reply(500, { __type: 'InternalException', message: (error as Error).message });
    }
  });

  type Entry = { Source?: string; DetailType?: string; Detail?: string; EventBusName?: string; Resources?: string[] };
  const putEvents = (request: { Entries?: Entry[] }) => {
    const results = (request.Entries ?? []).map((entry) => {
      let detail: unknown;
      try {
        detail = JSON.parse(entry.Detail ?? '');
      } catch {
        return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is not valid JSON' };
      }
      const event: BusEvent = {
        version: '0',
        id: randomUUID(),
        'detail-type': entry.DetailType ?? '',
        source: entry.Source ?? '',
        account: '000000000000',
        time: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
        region,
        resources: entry.Resources ?? [],
        detail,
      };
      const bus = (entry.EventBusName ?? 'default').split('/').at(-1) ?? 'default';
      options.onEvent?.(bus, event);
      destinations.dispatch(bus, event);
      return { EventId: event.id };
    });
    return { FailedEntryCount: results.filter((r) => 'ErrorCode' in r).length, Entries: results };
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  return {
    endpoint: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`,
    destinations,
    async stop() {
      await destinations.stop();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
