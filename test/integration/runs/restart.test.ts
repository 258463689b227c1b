import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const scenario = fileURLToPath(new URL('./scenarios/restart-mid-run.ts', import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), 'promptpulse-restart-'));

/** Runs one phase of the scenario in its own process and returns its RESULT line (even if shutdown crashed). */
// biome-ignore lint/suspicious/noExplicitAny: the scenario prints loosely typed JSON
function phase(...args: string[]): Promise<Record<string, any>> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', scenario, ...args],
      {
        timeout: 180_000,
        maxBuffer: 16 * 1024 * 1024,
        env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      },
      (error, stdout, stderr) => {
        const line = stdout.split('\n').find((l) => l.startsWith('RESULT '));
        if (line) return resolve(JSON.parse(line.slice('RESULT '.length)));
        reject(new Error(`phase ${args[0]} produced no result: ${error?.message ?? ''}\n${stderr.slice(-2000)}`));
      },
    );
  });
}

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('a local stack stopped mid-run', () => {
  it('resumes the run after a restart without asking any finished item again', async () => {
    const first = await phase('first', dataDir);
    expect(first.statusBeforeStop).toBe('running');
    expect(first.doneBefore.length).toBeGreaterThanOrEqual(8);

    const second = await phase('second', dataDir, first.runId);
    expect(second.status).toBe('succeeded');
    expect(second.counts).toEqual({ planned: 54, succeeded: 54, failed: 0, skipped: 0 });
    expect(new Set(second.items.map((i: [string, number, string]) => i[2])).size).toBe(54);
    // Items finished before the stop were not asked again after it (in-flight ones are, once).
    const attemptsAfter = new Map<string, number>(second.items.map((i: [string, number]) => [i[0], i[1]]));
    for (const [itemId, attempts] of first.doneBefore as [string, number][])
      expect(attemptsAfter.get(itemId)).toBe(attempts);
    // Two full local stacks start in child processes (tsx compiles each); on a loaded 2-core machine that alone took
    // over the default 60 s once, so the bound is the phases' own (180 s each), not a behaviour threshold.
  }, 360_000);
});
