/**
 * `npm run smoke -- --stage dev --email smoke@example.com --password '…' [--create-user]` after
 * `npx cdk deploy --all -c stage=dev --outputs-file cdk-outputs-dev.json`; or `npm run smoke -- --local` against
 * `npm start` (the demo owner by default). Prints each step with its timing; exits 1 when a step failed.
 */
import '../../local/env-defaults.ts';
import { parseArgs } from 'node:util';
import { runSmoke, type StepResult } from './steps.ts';
import { awsTarget, localTarget, stageOutputs } from './targets.ts';

const { values } = parseArgs({
  options: {
    local: { type: 'boolean', default: false },
    url: { type: 'string', default: 'http://localhost:4000' },
    stage: { type: 'string' },
    outputs: { type: 'string' },
    'stack-prefix': { type: 'string', default: 'PromptPulse' },
    email: { type: 'string' },
    password: { type: 'string' },
    'create-user': { type: 'boolean', default: false },
    'crm-url': { type: 'string' },
    'crm-secret': { type: 'string' },
    'analytics-timeout-min': { type: 'string', default: '20' },
    provider: { type: 'string' },
  },
});

function fail(message: string): never {
  console.error(`✖ ${message}`);
  process.exit(2);
}

const crm =
  values['crm-url'] && values['crm-secret']
    ? { webhookUrl: values['crm-url'], secret: values['crm-secret'] }
    : undefined;
const target = values.local
  ? localTarget(
      values.url,
      { email: values.email ?? 'owner@demo.promptpulse.local', password: values.password ?? 'demo-owner-pass' },
      crm,
    )
  : values.stage
    ? awsTarget(
        stageOutputs(values.outputs ?? `cdk-outputs-${values.stage}.json`, values['stack-prefix']),
        {
          email: values.email ?? fail('--email is required for a deployed stage'),
          password: values.password ?? fail('--password is required for a deployed stage'),
          createUser: values['create-user'],
        },
        crm,
      )
    : fail('say where: --stage <stage> (a deployed stage) or --local (npm start)');

console.log(`Smoke test against the ${target.name}`);
const print = (r: StepResult) =>
  console.log(`${r.ok ? '✔' : '✖'} ${r.step.padEnd(24)} ${`${r.ms} ms`.padStart(9)}  ${r.detail}`);
const results = await runSmoke(target, { analyticsTimeoutMs: Number(values['analytics-timeout-min']) * 60_000 }, print);
process.exit(results.every((r) => r.ok) ? 0 : 1);
