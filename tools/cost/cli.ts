/**
 * `npm run cost`: the fixed monthly cost of each stage, read from the templates `cdk synth` would produce (asset
 * bundling skipped), and the variable cost per 1,000 prompt executions, measured by a real run on the local stack
 * (tools/cost/measure.ts), beside the model cost of the same executions; all at the list prices of
 * tools/cost/prices.ts. docs/cost.md explains each line.
 *
 * Options: `--fixed` prints the fixed cost only (no run); `--prompts N` (default 10) and `--samples N` (default 10)
 * size the measuring run (N × N prompt executions); `--concurrency N` (default 16) concurrent asks.
 */
import '../../local/env-defaults.ts';
import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { findModelPrice } from '#shared/domain/pricing.ts';
import { buildApp } from '../../cdk/promptpulse.ts';
import { type CfnTemplate, fixedCost, totalOf } from './fixed-cost.ts';
import { lambdaMemoryByName } from './lambda-memory.ts';
import { measureRun } from './measure.ts';
import { PRICES, PRICES_CHECKED_ON } from './prices.ts';
import { modelCostPer1k, totalPer1k, variableCost } from './variable-cost.ts';

/** The dev stage's budget of fixed cost per month (issue-level target, docs/cost.md). */
const DEV_FIXED_BUDGET_USD = 15;
/** Issue-level target: AWS variable cost at most this share of the model cost at gpt-4o-mini prices, real time. */
const REALTIME_SHARE_TARGET = 0.15;
/** The models the AWS cost is compared with (the product's price table, shared/domain/pricing.ts). */
const REFERENCE_MODELS = [
  { provider: 'openai', model: 'gpt-4o-mini' },
  { provider: 'openai', model: 'gpt-4o' },
];

const { values: args } = parseArgs({
  options: {
    fixed: { type: 'boolean', default: false },
    prompts: { type: 'string', default: '10' },
    samples: { type: 'string', default: '10' },
    concurrency: { type: 'string', default: '16' },
  },
});

const cdkJson = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as {
  context: Record<string, unknown>;
};

function templatesOf(stage: 'dev' | 'prod'): CfnTemplate[] {
  const mail = stage === 'prod' ? { mailFromAddress: 'no-reply@mail.example.com', mailRegion: 'eu-west-1' } : {};
  const app = buildApp({ context: { ...cdkJson.context, 'aws:cdk:bundling-stacks': [], stage, ...mail } });
  const assembly = app.app.synth();
  return [app.stateful, app.stateless].map((stack) => assembly.getStackByName(stack.stackName).template as CfnTemplate);
}

const usd = (n: number, digits = 2) => `$${n.toFixed(digits)}`;

console.log(
  `Fixed monthly cost per stage (us-east-1 list prices checked ${PRICES_CHECKED_ON}; tools/cost/prices.ts)\n`,
);
const templates = { dev: templatesOf('dev'), prod: templatesOf('prod') };
for (const stage of ['dev', 'prod'] as const) {
  const lines = fixedCost(templates[stage], PRICES);
  console.log(`${stage}`);
  for (const line of lines) {
    console.log(
      `  ${line.item.padEnd(42)} ${String(line.count).padStart(4)}  ${usd(line.monthlyUsd).padStart(9)}  ${line.why}`,
    );
  }
  const total = totalOf(lines);
  const budget =
    stage === 'dev' ? `  (budget $${DEV_FIXED_BUDGET_USD}: ${total <= DEV_FIXED_BUDGET_USD ? 'within' : 'OVER'})` : '';
  console.log(`  ${'total'.padEnd(42)}       ${usd(total).padStart(9)}${budget}\n`);
}

if (!args.fixed) {
  const memory = lambdaMemoryByName(templates.prod);
  const prompts = Number(args.prompts);
  const samples = Number(args.samples);
  const [loadBefore = 0] = loadavg();
  const measured = await measureRun({
    prompts,
    samplesPerPrompt: samples,
    provider: { provider: 'openai', model: 'gpt-4.1-mini', surface: 'api' },
    concurrency: Number(args.concurrency),
    memoryOf: (fn) => {
      const mb = memory.get(fn);
      if (mb === undefined) throw new Error(`no function for "${fn}" in the prod template`);
      return mb;
    },
  });
  const [loadAfter = 0] = loadavg();
  const { counters } = measured;
  console.log(
    `Variable cost per 1,000 prompt executions, real time, measured: a run of ${counters.executions} executions ` +
      `(${prompts} prompts × ${samples} samples, openai gpt-4.1-mini on the provider simulator at its realistic ` +
      `latency, ${args.concurrency} concurrent asks) on the local stack; run ${measured.status} in ` +
      `${measured.wallSeconds.toFixed(0)} s; load average ${loadBefore.toFixed(1)} → ${loadAfter.toFixed(1)} on ` +
      `${availableParallelism()} cores\n`,
  );
  const lines = variableCost(counters, PRICES);
  for (const line of lines)
    console.log(`  ${line.service.padEnd(28)} ${usd(line.per1kUsd, 4).padStart(9)}  ${line.basis}`);
  const aws = totalPer1k(lines);
  console.log(`  ${'total AWS'.padEnd(28)} ${usd(aws, 4).padStart(9)}`);
  console.log(
    `  Lambda per function: ${Object.entries(counters.lambda)
      .map(
        ([fn, c]) => `${fn} ${c.invocations} × ${(c.totalMs / c.invocations / 1000).toFixed(2)} s at ${c.memoryMb} MB`,
      )
      .join(', ')}\n`,
  );
  const tokens = `${Math.round(measured.usage.inputTokens / counters.executions)} input + ${Math.round(
    measured.usage.outputTokens / counters.executions,
  )} output tokens per execution (measured)`;
  console.log(`Model cost per 1,000 executions at ${tokens}, from shared/domain/pricing.ts:`);
  for (const ref of REFERENCE_MODELS) {
    const price = findModelPrice(ref.provider, ref.model);
    if (!price) throw new Error(`no price for ${ref.provider} ${ref.model}`);
    const model = modelCostPer1k(measured.usage, counters.executions, price);
    const share = aws / model;
    const target =
      ref.model === 'gpt-4o-mini'
        ? ` (target ≤ ${REALTIME_SHARE_TARGET * 100}%: ${share <= REALTIME_SHARE_TARGET ? 'met' : 'NOT met'})`
        : '';
    console.log(
      `  ${ref.model.padEnd(28)} ${usd(model, 4).padStart(9)}  AWS / model = ${(share * 100).toFixed(1)}%${target}`,
    );
  }
}
