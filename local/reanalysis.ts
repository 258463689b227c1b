import { deployedReanalysisDefinition } from '../cdk/asl.ts';

export const REANALYSIS_STATE_MACHINE_ARN = 'arn:aws:states:us-east-1:000000000000:stateMachine:promptpulse-reanalysis';

/**
 * The re-analysis workflow on the local Step Functions runner: the definition CDK deploys (Distributed Map switch
 * applied), its task states calling the production steps. Locally the sweep is not scheduled (jobs start on brand
 * changes and `POST /brands/{id}/reanalysis`); the ASL's Sweep branch is the same code the schedule runs in AWS.
 */
export async function localReanalysisStateMachine() {
  const { reanalysisSteps } = await import('../functions/handlers/reanalysis/steps.ts');
  const { createReanalysisDeps } = await import('../functions/handlers/reanalysis/deps.ts');
  return {
    arn: REANALYSIS_STATE_MACHINE_ARN,
    definition: deployedReanalysisDefinition(),
    handlers: reanalysisSteps(createReanalysisDeps()) as never,
  };
}
