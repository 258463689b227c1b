import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { claimPort, PortInUseError } from '../../../local/emulators/ports.ts';

describe('local stack ports', () => {
  it('picks a free port for 0 and refuses a taken one with the variable to change', async () => {
    const free = await claimPort(0, 'test', 'TEST_PORT');
    expect(free).toBeGreaterThan(0);
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(free, '127.0.0.1', resolve));
    try {
      await expect(claimPort(free, 'the web app and API', 'PROMPTPULSE_PORT')).rejects.toThrowError(PortInUseError);
      await expect(claimPort(free, 'the web app and API', 'PROMPTPULSE_PORT')).rejects.toThrow(
        `Port ${free} for the web app and API is already in use. Stop the other process or set PROMPTPULSE_PORT.`,
      );
    } finally {
      blocker.close();
    }
  });
});
