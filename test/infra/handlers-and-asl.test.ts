import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { describe, expect, it } from 'vitest';
import { NodeFunction } from '../../cdk/constructs/node-function.ts';
import { projectPath } from '../../cdk/paths.ts';
import { buildTestApp, defaultTemplates } from './support.ts';

const validateAsl = createRequire(import.meta.url)('asl-validator') as (
  definition: unknown,
  options?: { checkPaths: boolean; checkArn: boolean },
) => { isValid: boolean; errorsText: (separator?: string) => string };

/** Every ASL file of the repository: the ones CDK deploys and any added since (e.g. connector-ingest). */
const ASL_FILES = readdirSync(projectPath('state-machines'))
  .filter((name) => name.endsWith('.asl.json'))
  .map((name) => `state-machines/${name}`);

/** `${Name}` placeholders (CloudFormation DefinitionSubstitutions) replaced by a well-formed Lambda ARN. */
function substituted(text: string): unknown {
  return JSON.parse(text.replace(/\$\{([A-Za-z0-9]+)\}/g, 'arn:aws:lambda:us-east-1:123456789012:function:$1'));
}

describe('handler entries and state machine definitions', () => {
  const { app } = defaultTemplates();
  const snowflakeApp = buildTestApp({ stage: 'prod', snowflakeAccountUrl: 'https://ab12345.snowflakecomputing.com' });
  const functions = [app.app, snowflakeApp.app].flatMap((root) =>
    root.node.findAll().filter((c): c is NodeFunction => c instanceof NodeFunction),
  );

  it('every function CDK deploys has an entry file that exists and exports `handler`', () => {
    expect(functions.length).toBeGreaterThanOrEqual(10);
    for (const fn of functions) {
      const path = projectPath(fn.entry);
      expect(existsSync(path), `${fn.node.path}: ${fn.entry}`).toBe(true);
      // `export const handler`, `export async function handler` or a re-export `export { x as handler }`.
      expect(readFileSync(path, 'utf8'), fn.entry).toMatch(
        /export\s+(?:const|let|async\s+function|function)\s+handler\b|export\s*\{[^}]*\bhandler\b[^}]*\}/,
      );
    }
  });

  it('every state machine CDK deploys substitutes exactly the functions its definition names', () => {
    const machines = app.app.node.findAll().filter((c): c is sfn.StateMachine => c instanceof sfn.StateMachine);
    expect(machines.length).toBeGreaterThanOrEqual(1);
    for (const machine of machines) {
      const cfn = machine.node.defaultChild as sfn.CfnStateMachine;
      const body = String(cfn.definitionString ?? '');
      const placeholders = new Set([...body.matchAll(/\$\{([A-Za-z0-9]+)\}/g)].map((m) => m[1]));
      const substitutions = Object.keys((cfn.definitionSubstitutions ?? {}) as Record<string, unknown>);
      expect(new Set(substitutions), machine.node.path).toEqual(placeholders);
    }
  });

  it('finds the ASL files (the prompt fan-out at least)', () => {
    expect(ASL_FILES).toContain('state-machines/prompt-fanout.asl.json');
  });

  it.each(ASL_FILES)('%s is valid Amazon States Language (asl-validator)', (file) => {
    const result = validateAsl(substituted(readFileSync(projectPath(file), 'utf8')), {
      checkPaths: true,
      checkArn: true,
    });
    expect(result.isValid, `${file}: ${result.errorsText('\n')}`).toBe(true);
  });

  it('the validator does catch a broken definition (a Next pointing nowhere)', () => {
    const broken = { StartAt: 'A', States: { A: { Type: 'Pass', Next: 'Missing' } } };
    expect(validateAsl(broken, { checkPaths: true, checkArn: true }).isValid).toBe(false);
  });
});
