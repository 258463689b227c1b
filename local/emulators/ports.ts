import { createServer } from 'node:net';

/** Thrown when a configured port is already in use; names the port and the variable that sets it. */
export class PortInUseError extends Error {
  override readonly name = 'PortInUseError';
}

/** Resolves to `port` if it is free on 127.0.0.1, or to a free ephemeral port when `port` is 0. */
export function claimPort(port: number, what: string, envVar: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') {
        reject(
          new PortInUseError(`Port ${port} for ${what} is already in use. Stop the other process or set ${envVar}.`),
        );
      } else reject(error);
    });
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      const chosen = typeof address === 'object' && address ? address.port : port;
      server.close(() => resolve(chosen));
    });
  });
}

/** Polls `probe` until it resolves true or the deadline passes. */
export async function waitFor(what: string, probe: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await probe().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`${what} did not become ready within ${timeoutMs} ms`);
}
