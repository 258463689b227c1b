import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { record } from './support/ledger.ts';

const scenario = fileURLToPath(new URL('./scenarios/emulator-restart.ts', import.meta.url));

/** Runs the scenario in its own process (its own persistent stack) and returns its RESULT line. */
// biome-ignore lint/suspicious/noExplicitAny: the scenario prints loosely typed JSON
function runScenario(): Promise<Record<string, any>> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', scenario],
      {
        timeout: 900_000,
        maxBuffer: 64 * 1024 * 1024,
        env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      },
      (error, stdout, stderr) => {
        const line = stdout.split('\n').find((l) => l.startsWith('RESULT '));
        if (line) return resolve(JSON.parse(line.slice('RESULT '.length)));
        reject(new Error(`the scenario produced no result: ${error?.message ?? ''}\n${stderr.slice(-3000)}`));
      },
    );
  });
}

describe('DynamoDB Local, kinesalite and s3rver killed and restarted during a run', () => {
  it('loses no answer or event, counts nothing twice, names every failure, and runs again without repair', {
    timeout: 900_000,
  }, async () => {
    const result = await runScenario();
    expect(result.failure, JSON.stringify(result)).toBeUndefined();
    expect(result.restarts).toHaveLength(3);
    const { planned, succeeded, failed, skipped } = result.counts;
    // Every item accounted for; a failure carries its reason.
    expect(succeeded + failed + skipped).toBe(planned);
    const items = result.items as [string, string, number, string | null, { name?: string } | null][];
    expect(items).toHaveLength(planned);
    for (const [itemId, status, , , error] of items.filter((i) => i[1] !== 'succeeded'))
      expect(error?.name ?? status, `${itemId} ${status} without a reason`).toBeTruthy();
    // One stored answer per succeeded item; rollups and lake equal a recomputation from the items.
    const answers = items.filter((i) => i[1] === 'succeeded').map((i) => i[3]);
    expect(new Set(answers).size).toBe(succeeded);
    expect(result.rollupN).toBe(succeeded);
    expect(result.rollupRuns).toBe(1);
    expect(result.lakeAnswers).toBe(succeeded);
    // Nothing is lost to the outage: the run recovers every item (retries, resume), not just accounts for it.
    expect(result.status, JSON.stringify(result.errors)).toBe('succeeded');
    // Usable again without manual repair.
    expect(result.second.status).toBe('succeeded');
    expect(result.rollupNAfterSecond).toBe(succeeded + result.second.counts.succeeded);
    console.log(
      `emulator restarts (${result.restarts.join(', ')}): ${succeeded}/${planned} answered, rollups ${result.rollupN}, lake ${result.lakeAnswers}`,
    );
    record({
      kind: 'fault',
      name: 'DynamoDB Local, kinesalite, s3rver killed and restarted mid-run',
      count: planned + result.second.counts.planned,
      lost: planned - succeeded + Math.abs(result.rollupN - succeeded) + Math.abs(result.lakeAnswers - succeeded),
    });
  });
});
