import { readFileSync } from 'node:fs';
import { projectPath } from './paths.ts';

/** An Amazon States Language document (JSONPath flavour), as far as the CDK app needs to look into it. */
export interface AslDefinition {
  StartAt: string;
  States: Record<string, AslState>;
  [key: string]: unknown;
}

export interface AslState {
  Type: string;
  TimeoutSeconds?: number;
  ItemProcessor?: AslItemProcessor;
  [key: string]: unknown;
}

export interface AslItemProcessor {
  ProcessorConfig?: Record<string, unknown>;
  StartAt: string;
  States: Record<string, AslState>;
  [key: string]: unknown;
}

/** Reads an ASL file of `state-machines/` (the file the local runner executes too). */
export function loadAsl(relativePath: string): AslDefinition {
  return JSON.parse(readFileSync(projectPath(relativePath), 'utf8')) as AslDefinition;
}

/** Every state of a definition, nested Map/Parallel states included, as `[name, state]` pairs. */
export function allStates(definition: Pick<AslDefinition, 'States'>): [string, AslState][] {
  const found: [string, AslState][] = [];
  const visit = (states: Record<string, AslState>) => {
    for (const [name, state] of Object.entries(states)) {
      found.push([name, state]);
      if (state.ItemProcessor) visit(state.ItemProcessor.States);
      const branches = state.Branches as { States: Record<string, AslState> }[] | undefined;
      for (const branch of branches ?? []) visit(branch.States);
    }
  };
  visit(definition.States);
  return found;
}

/** `TimeoutSeconds` of the state with this name (anywhere in the definition); throws if it has none. */
export function stateTimeoutSeconds(definition: AslDefinition, stateName: string): number {
  const matches = allStates(definition).filter(([name]) => name === stateName);
  const [match] = matches;
  if (!match || matches.length > 1) throw new Error(`ASL: expected exactly one state named "${stateName}"`);
  const timeout = match[1].TimeoutSeconds;
  if (typeof timeout !== 'number') throw new Error(`ASL: state "${stateName}" has no TimeoutSeconds`);
  return timeout;
}

/**
 * Returns a copy of `definition` in which the Map state at `mapPath` runs as a Distributed Map with STANDARD child
 * executions. `mapPath` names states from the top level down, e.g. `['Providers', 'Items']` is the state `Items`
 * inside the item processor of the top-level Map `Providers`.
 *
 * Nothing else changes: items still come from the state input (`ItemsPath`), so no `ItemReader` is needed, and
 * `ItemSelector`, `MaxConcurrency`, `Retry`/`Catch` and the processor's states are kept as they are. The input is
 * not modified (the local runner executes the file as written, with inline maps). Throws when the path does not
 * lead to a Map, so renaming a state in the ASL fails synthesis instead of silently deploying an inline map.
 */
export function withDistributedMap(definition: AslDefinition, mapPath: readonly string[]): AslDefinition {
  if (mapPath.length === 0) throw new Error('ASL: empty Map path');
  const copy = structuredClone(definition);
  let states: Record<string, AslState> = copy.States;
  let state: AslState | undefined;
  for (const [depth, name] of mapPath.entries()) {
    state = states[name];
    if (!state) throw new Error(`ASL: no state "${mapPath.slice(0, depth + 1).join(' > ')}"`);
    if (depth < mapPath.length - 1) {
      if (!state.ItemProcessor) throw new Error(`ASL: state "${name}" is not a Map with an ItemProcessor`);
      states = state.ItemProcessor.States;
    }
  }
  if (state?.Type !== 'Map' || !state.ItemProcessor) {
    throw new Error(`ASL: state "${mapPath.join(' > ')}" is not a Map with an ItemProcessor`);
  }
  state.ItemProcessor.ProcessorConfig = { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' };
  // Without a ResultWriter the map run gathers every child's output into the state result, which Step Functions
  // caps at 256 KiB (States.DataLimitExceeded fails the whole run). The parent discards it (ResultPath null), so the
  // children end with an empty output: 2 bytes an item keeps even 10,000 items far under the cap.
  for (const child of Object.values(state.ItemProcessor.States)) {
    if (child.Type === 'Succeed' || child.End === true) child.OutputPath = null;
  }
  return copy;
}

/** The fan-out's source file (what `cdk/constructs/prompt-fanout.ts` deploys, transformed). */
export const PROMPT_FANOUT_ASL = 'state-machines/prompt-fanout.asl.json';

/** The per-item Map that runs as a Distributed Map in AWS (`Items` inside the per-provider Map `Providers`). */
export const DISTRIBUTED_MAP_PATH = ['Providers', 'Items'] as const;

/**
 * The fan-out definition exactly as the template carries it (placeholders `${<Step>FunctionArn}` still to fill):
 * the local stack and the integration tests run this, not the source file, so what deploys is what is tested.
 */
export function deployedFanoutDefinition(): AslDefinition {
  return withDistributedMap(loadAsl(PROMPT_FANOUT_ASL), DISTRIBUTED_MAP_PATH);
}

/** The re-analysis workflow's source file (what `cdk/constructs/reanalysis.ts` deploys, transformed). */
export const REANALYSIS_ASL = 'state-machines/reanalysis.asl.json';

/** The per-week Map that runs as a Distributed Map in AWS. */
export const REANALYSIS_MAP_PATH = ['Chunks'] as const;

/** The re-analysis definition as the template carries it; the local stack and integration tests run this. */
export function deployedReanalysisDefinition(): AslDefinition {
  return withDistributedMap(loadAsl(REANALYSIS_ASL), REANALYSIS_MAP_PATH);
}
