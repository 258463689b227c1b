import { createSfnClient } from '../../adapters/aws/clients.ts';
import { CognitoUserDirectory, createCognitoClient } from '../../adapters/aws/cognito-user-directory.ts';
import { SfnWorkflowStarter } from '../../adapters/aws/sfn-workflow-starter.ts';
import { readDirectoryConfig, readWorkflowConfig } from '../../config.ts';
import { tracer } from '../../powertools.ts';
import { reanalysisServices } from './reanalysis-services.ts';

/** The core routes' AWS services beyond the table: starting runs (Step Functions) and inviting members (Cognito). */
export function coreServices() {
  const directoryConfig = readDirectoryConfig();
  const workflowConfig = readWorkflowConfig();
  return {
    workflow: new SfnWorkflowStarter(
      tracer.captureAWSv3Client(createSfnClient(workflowConfig)),
      workflowConfig.STATE_MACHINE_ARN,
    ),
    directory: new CognitoUserDirectory(
      tracer.captureAWSv3Client(createCognitoClient(directoryConfig)),
      directoryConfig.USER_POOL_ID,
    ),
    // Re-analysis jobs: brand changes start them; the job routes read them.
    ...reanalysisServices(),
  };
}
