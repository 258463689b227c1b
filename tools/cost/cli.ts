/**
 * `npm run cost`: the fixed monthly cost of each stage, read from the templates `cdk synth` would produce (asset
 * bundling skipped), at the list prices of tools/cost/prices.ts. docs/cost.md explains each line.
 */
import '../../local/env-defaults.ts';
import { readFileSync } from 'node:fs';
import { buildApp } from '../../cdk/promptpulse.ts';
import { type CfnTemplate, fixedCost, totalOf } from './fixed-cost.ts';
import { PRICES, PRICES_CHECKED_ON } from './prices.ts';

/** The dev stage's budget of fixed cost per month (issue-level target, docs/cost.md). */
const DEV_FIXED_BUDGET_USD = 15;

const cdkJson = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as {
  context: Record<string, unknown>;
};

function templatesOf(stage: 'dev' | 'prod'): CfnTemplate[] {
  const mail = stage === 'prod' ? { mailFromAddress: 'no-reply@mail.example.com', mailRegion: 'eu-west-1' } : {};
  const app = buildApp({ context: { ...cdkJson.context, 'aws:cdk:bundling-stacks': [], stage, ...mail } });
  const assembly = app.app.synth();
  return [app.stateful, app.stateless].map((stack) => assembly.getStackByName(stack.stackName).template as CfnTemplate);
}

console.log(
  `Fixed monthly cost per stage (us-east-1 list prices checked ${PRICES_CHECKED_ON}; tools/cost/prices.ts)\n`,
);
for (const stage of ['dev', 'prod'] as const) {
  const lines = fixedCost(templatesOf(stage), PRICES);
  console.log(`${stage}`);
  for (const line of lines) {
    console.log(
      `  ${line.item.padEnd(42)} ${String(line.count).padStart(4)}  ${`$${line.monthlyUsd.toFixed(2)}`.padStart(9)}  ${line.why}`,
    );
  }
  const total = totalOf(lines);
  const budget =
    stage === 'dev' ? `  (budget $${DEV_FIXED_BUDGET_USD}: ${total <= DEV_FIXED_BUDGET_USD ? 'within' : 'OVER'})` : '';
  console.log(`  ${'total'.padEnd(42)}       ${`$${total.toFixed(2)}`.padStart(9)}${budget}\n`);
}
