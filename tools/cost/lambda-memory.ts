/**
 * The configured memory of the functions a metered run invokes, read from the synthesized templates: the fan-out's
 * task-state functions (by their description, `PromptPulse fan-out <State>: …`) and the stream's aggregate consumer.
 */
import type { CfnTemplate } from './fixed-cost.ts';

const FANOUT_STEP = /^PromptPulse fan-out (\w+):/;
const AGGREGATE = /^PromptPulse aggregation consumer:/;

export function lambdaMemoryByName(templates: readonly CfnTemplate[]): Map<string, number> {
  const memory = new Map<string, number>();
  for (const template of templates) {
    for (const resource of Object.values(template.Resources ?? {})) {
      if (resource.Type !== 'AWS::Lambda::Function') continue;
      const props = (resource.Properties ?? {}) as { Description?: unknown; MemorySize?: unknown };
      const description = typeof props.Description === 'string' ? props.Description : '';
      const name = FANOUT_STEP.exec(description)?.[1] ?? (AGGREGATE.test(description) ? 'Aggregate' : null);
      // Lambda's default memory when a function sets none.
      if (name) memory.set(name, typeof props.MemorySize === 'number' ? props.MemorySize : 128);
    }
  }
  return memory;
}
