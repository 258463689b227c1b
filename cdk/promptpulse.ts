import { App, type AppProps, Duration, type Environment, Tags, Validations } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { readDeploymentSettings } from './context.ts';
import { StatefulStack } from './stacks/stateful-stack.ts';
import { StatelessStack } from './stacks/stateless-stack.ts';

export interface PromptPulseApp {
  readonly app: App;
  readonly stateful: StatefulStack;
  readonly stateless: StatelessStack;
}

function toRetention(days: number): logs.RetentionDays {
  const allowed = Object.values(logs.RetentionDays).filter((value): value is number => typeof value === 'number');
  if (!allowed.includes(days)) {
    throw new Error(`Context "logRetentionDays" must be one of ${allowed.join(', ')} (CloudWatch Logs retention)`);
  }
  return days as logs.RetentionDays;
}

/**
 * Builds the whole PromptPulse CDK app: the stateful and stateless stacks, with cdk-nag's AWS Solutions
 * checks registered as a validation plugin (a violation fails `cdk synth`). Shared by `cdk/app.ts` and the
 * infra tests, so both check the same thing.
 */
export function buildApp(props: AppProps = {}): PromptPulseApp {
  const app = new App(props);
  const settings = readDeploymentSettings(app.node);
  const logRetention = toRetention(settings.logRetentionDays);
  // Env-agnostic unless the CLI knows an account/region (then lookups and region-specific output work).
  const env: Environment = { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION };

  const stateful = new StatefulStack(app, `${settings.stackPrefix}-Stateful`, {
    env,
    description:
      'PromptPulse stateful resources: table, lake bucket, event stream, user pool, provider keys, alarm topic',
    terminationProtection: settings.stage === 'prod',
    dataRemovalPolicy: settings.dataRemovalPolicy,
    threatProtection: settings.threatProtection,
    ...(settings.snowflake ? { snowflake: settings.snowflake } : {}),
    callbackUrls: settings.callbackUrls,
    logoutUrls: settings.logoutUrls,
    authDomainPrefix: settings.authDomainPrefix,
    logRetention,
    streamRetention: Duration.hours(settings.streamRetentionHours),
    streamShards: settings.streamShards,
    ...(settings.mail ? { mail: settings.mail } : {}),
  });
  const stateless = new StatelessStack(app, `${settings.stackPrefix}-Stateless`, {
    env,
    description:
      'PromptPulse stateless resources: API function, HTTP and WebSocket APIs, fan-out workflow, scheduler, event pipeline',
    table: stateful.table,
    eventStream: stateful.eventStream,
    lake: stateful.lake,
    users: stateful.users,
    providerKeys: stateful.providerKeys,
    connectorKeys: stateful.connectorKeys,
    alarms: stateful.alarms,
    webOrigins: settings.webOrigins,
    ...(settings.customDomain ? { customDomain: settings.customDomain } : {}),
    logRetention,
    apiRateLimit: settings.apiRateLimit,
    apiBurstLimit: settings.apiBurstLimit,
    ...(settings.providerConcurrency ? { providerConcurrency: settings.providerConcurrency } : {}),
    alarmNotifications: settings.alarmNotifications,
    monitoring: settings.monitoring,
    ...(settings.reservedConcurrency ? { askReservedConcurrency: settings.askConcurrency, serialJobs: true } : {}),
    metricsNamespace: settings.metricsNamespace,
    spendCapAlarmThreshold: settings.spendCapAlarmThreshold,
    dataRemovalPolicy: settings.dataRemovalPolicy,
    ...(settings.snowflake && stateful.snowflakeCredentials
      ? { snowflake: { settings: settings.snowflake, credentials: stateful.snowflakeCredentials } }
      : {}),
  });

  Tags.of(app).add('project', 'promptpulse');
  Tags.of(app).add('stage', settings.stage);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stateful, stateless };
}
