import { mkdirSync } from 'node:fs';
import { Server as HttpServer, type Server } from 'node:http';
import { CreateStreamCommand, DescribeStreamSummaryCommand, KinesisClient } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
// @ts-expect-error kinesalite ships no type declarations
import kinesalite from 'kinesalite';
import { RESOURCE_NAMES } from '#shared/infra/resources.ts';
import { waitFor } from './ports.ts';

export interface KinesisLocal {
  endpoint: string;
  stop(): Promise<void>;
  /**
   * Takes the endpoint down for `downMs` (listener closed, every connection dropped) and brings it back on the same
   * port with the same streams and records: what clients see of a restart. kinesalite's own `close()` closes its
   * LevelDB under in-flight requests, which can crash the process natively, so a restart keeps the store open.
   */
  interrupt(downMs: number): Promise<void>;
}

/** Starts kinesalite (persistent under `dataDir` when given) in this process. */
export async function startKinesisLocal(port: number, dataDir: string | null): Promise<KinesisLocal> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const server: Server = kinesalite({
    ...(dataDir ? { path: dataDir } : {}),
    createStreamMs: 0,
    deleteStreamMs: 0,
    updateStreamMs: 0,
    shardLimit: 50,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const closeListener = () =>
    new Promise<void>((resolve) => {
      // The plain http.Server close: stops listening without touching kinesalite's store.
      HttpServer.prototype.close.call(server, () => resolve());
      server.closeAllConnections();
    });
  return {
    endpoint: `http://127.0.0.1:${port}`,
    interrupt: async (downMs) => {
      await closeListener();
      await new Promise((r) => setTimeout(r, downMs));
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        HttpServer.prototype.listen.apply(server, [port, '127.0.0.1', () => resolve()] as never);
      });
    },
    // Keep-alive sockets of SDK clients (publishers still running during shutdown) would hold close() open.
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** The SDK's default HTTP/2-capable handler does not talk to kinesalite; the plain Node handler does. */
export function localKinesisClient(endpoint: string): KinesisClient {
  return new KinesisClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    requestHandler: new NodeHttpHandler(),
  });
}

/** Creates the canonical event stream if absent and waits until it is ACTIVE. */
export async function ensureEventStream(endpoint: string, streamName: string = RESOURCE_NAMES.eventStream) {
  const client = localKinesisClient(endpoint);
  try {
    await client.send(new CreateStreamCommand({ StreamName: streamName, ShardCount: 2 })).catch((error: Error) => {
      if (error.name !== 'ResourceInUseException') throw error;
    });
    await waitFor(`Kinesis stream ${streamName}`, async () => {
      const { StreamDescriptionSummary } = await client.send(
        new DescribeStreamSummaryCommand({ StreamName: streamName }),
      );
      return StreamDescriptionSummary?.StreamStatus === 'ACTIVE';
    });
  } finally {
    client.destroy();
  }
}
