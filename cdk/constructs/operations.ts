import { Aspects, Duration, type IAspect, Stack } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct, type IConstruct } from 'constructs';
import { BUSINESS_METRICS } from '../../functions/observability/metric-names.ts';
import { NodeFunction } from './node-function.ts';
import { businessWidgets, stackWidgets } from './operations-widgets.ts';

/** Alarm thresholds; each is explained in docs/runbook.md next to what to do when it fires. */
export const OPERATIONS_THRESHOLDS = {
  /** HTTP API 5xx answers, % of requests, when there are at least `apiMinRequests` requests in 5 minutes. */
  api5xxPercent: 1,
  apiMinRequests: 20,
  /** HTTP API 5xx answers in 5 minutes at the `essential` monitoring level (dev), where a rate means little. */
  apiEssential5xxCount: 3,
  /** HTTP API p99 latency (ms), three 5-minute periods in a row. */
  apiP99LatencyMs: 3000,
  /** Function errors, % of invocations, when there are at least `functionMinInvocations` in 5 minutes. */
  functionErrorPercent: 5,
  functionMinInvocations: 10,
  /** Throttled invocations in each of three 5-minute periods (sustained, not a burst the caller retries). */
  functionThrottles: 1,
  /** Failed or timed-out executions of a state machine in 5 minutes. */
  stateMachineFailures: 1,
  /** Messages waiting in a dead-letter / on-failure queue. */
  deadLetterMessages: 1,
  /**
   * Errors (or throttles) of the Cognito pre-token-generation trigger in a 5-minute period, in 2 of 3 periods: a
   * failing trigger fails every sign-in and token refresh, so no minimum traffic (sign-ins are few), but a single
   * blip does not page.
   */
  signInTriggerFailures: 1,
} as const;

/** Queues whose construct id says they hold what was given up on: watched for depth. */
const DEAD_LETTER_ID = /dead|dlq|onfailure/i;

export interface OperationsProps {
  /** The public HTTP API (5xx and latency alarms). */
  readonly httpApi: apigw.HttpApi;
  /** Where alarms notify; without it alarms exist (dashboard, console) but page nobody (dev). */
  readonly alarmTopic?: sns.ITopic;
  /** Namespace of the business metrics (`POWERTOOLS_METRICS_NAMESPACE` of the functions). */
  readonly metricsNamespace: string;
  /** SpendCapBreaches per hour that fire the spend-cap alarm. */
  readonly spendCapAlarmThreshold: number;
  /** Dead-letter queues that already carry their own depth alarm (shown on the dashboard, not alarmed twice). */
  readonly alreadyAlarmedQueues?: sqs.IQueue[];
  /**
   * The Cognito pre-token-generation trigger (`UserDirectory.tokenTrigger`, stateful stack): every sign-in and token
   * refresh runs it, and Cognito refuses the sign-in when it fails. It lives with the user pool, outside the stack
   * this construct watches, so it is passed in (the stateless stack already depends on the stateful one).
   * @default - not watched
   */
  readonly signInTrigger?: NodeFunction;
  /**
   * `full`: the dashboard and every alarm below. `essential` (dev): only the alarms that mean data or sign-ins are
   * being lost — dead-letter depth, failed workflow executions, API 5xx rate, sign-in trigger errors — and no
   * dashboard, because a dev stage's alarms page nobody and CloudWatch bills every alarm metric (docs/cost.md).
   * @default 'full'
   */
  readonly level?: 'full' | 'essential';
}

/**
 * The operations view of a stack: a CloudWatch dashboard and the alarms that should wake someone.
 *
 * It watches what its stack contains when the app is synthesized, not only what existed when it was created: every
 * `NodeFunction` (error rate, sustained throttles), every Step Functions state machine (failed or timed-out
 * executions) and every SQS queue whose id names it a dead-letter or on-failure queue (depth). So a construct added
 * to the stack later (connector ingestion, action sync) is watched without touching this one. Plus the HTTP API
 * (5xx rate, p99 latency) and the business metrics the functions emit (docs/observability.md), with an alarm on
 * spend-cap refusals, and the sign-in trigger of the stateful stack's user pool when it is passed in (errors and
 * throttles as counts). Every alarm description ends with its section of docs/runbook.md.
 */
export class Operations extends Construct {
  /** The operations dashboard; absent at the `essential` level. */
  readonly dashboard: cloudwatch.Dashboard | undefined;
  /** Every alarm this construct created, by purpose (filled at synthesis for discovered resources). */
  readonly alarms: cloudwatch.Alarm[] = [];
  private readonly props: OperationsProps;
  private readonly full: boolean;
  private watched = false;

  constructor(scope: Construct, id: string, props: OperationsProps) {
    super(scope, id);
    this.props = props;
    const stack = Stack.of(this);
    this.full = (props.level ?? 'full') === 'full';
    this.dashboard = this.full
      ? new cloudwatch.Dashboard(this, 'Dashboard', {
          dashboardName: `${stack.stackName}-operations`,
          defaultInterval: Duration.hours(6),
        })
      : undefined;

    this.addApiAlarms();
    if (this.full) this.addSpendCapAlarm();
    if (props.signInTrigger) this.addSignInTriggerAlarms(props.signInTrigger);

    // Discovery runs once the whole stack is built: an aspect visiting this construct at synthesis.
    const self = this;
    const discover: IAspect = {
      visit(node: IConstruct) {
        if (node === self && !self.watched) {
          self.watched = true;
          self.watchStack();
        }
      },
    };
    Aspects.of(this).add(discover);
  }

  /** Adds a dashboard row when there is a dashboard. */
  private widgets(...widgets: cloudwatch.IWidget[]): void {
    this.dashboard?.addWidgets(...widgets);
  }

  private alarm(id: string, props: cloudwatch.AlarmProps): cloudwatch.Alarm {
    const alarm = new cloudwatch.Alarm(this, id, {
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      ...props,
    });
    if (this.props.alarmTopic) alarm.addAlarmAction(new cwActions.SnsAction(this.props.alarmTopic));
    this.alarms.push(alarm);
    return alarm;
  }

  private businessMetric(
    name: string,
    service: string,
    statistic = cloudwatch.Stats.SUM,
    period = Duration.minutes(5),
  ) {
    return new cloudwatch.Metric({
      namespace: this.props.metricsNamespace,
      metricName: name,
      dimensionsMap: { service },
      statistic,
      period,
    });
  }

  private addApiAlarms(): void {
    const api = this.props.httpApi;
    const period = Duration.minutes(5);
    const requests = api.metricCount({ period, statistic: cloudwatch.Stats.SUM });
    const serverErrors = api.metricServerError({ period, statistic: cloudwatch.Stats.SUM });
    const { api5xxPercent, apiMinRequests, apiP99LatencyMs, apiEssential5xxCount } = OPERATIONS_THRESHOLDS;
    if (this.full) {
      this.alarm('Api5xxAlarm', {
        alarmDescription:
          `More than ${api5xxPercent}% of HTTP API requests answered 5xx (with at least ${apiMinRequests} requests in 5 ` +
          'minutes), 2 of 3 periods. Runbook: docs/runbook.md#api-5xx',
        metric: new cloudwatch.MathExpression({
          expression: `IF(requests >= ${apiMinRequests}, 100 * errors / requests, 0)`,
          usingMetrics: { requests, errors: serverErrors },
          label: 'API 5xx %',
          period,
        }),
        threshold: api5xxPercent,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 3,
        datapointsToAlarm: 2,
      });
    } else {
      // A dev stage's traffic is one or two people: a count of 5xx answers, one metric instead of a rate's two.
      this.alarm('Api5xxAlarm', {
        alarmDescription:
          `${apiEssential5xxCount} or more HTTP API requests answered 5xx in 5 minutes, 2 of 3 periods. ` +
          'Runbook: docs/runbook.md#api-5xx',
        metric: serverErrors,
        threshold: apiEssential5xxCount,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 3,
        datapointsToAlarm: 2,
      });
    }
    if (this.full)
      this.alarm('ApiLatencyP99Alarm', {
        alarmDescription: `HTTP API p99 latency above ${apiP99LatencyMs} ms for 15 minutes. Runbook: docs/runbook.md#api-latency`,
        metric: api.metricLatency({ period, statistic: cloudwatch.Stats.p(99) }),
        threshold: apiP99LatencyMs,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 3,
      });
    this.widgets(
      new cloudwatch.TextWidget({
        markdown:
          '# PromptPulse operations\nAlarms, API, functions, workflow, event pipeline and business metrics. ' +
          'What to do when an alarm fires: docs/runbook.md.',
        width: 24,
        height: 2,
      }),
    );
    this.widgets(
      new cloudwatch.GraphWidget({
        title: 'HTTP API requests and errors',
        left: [requests, api.metricClientError({ period }), serverErrors],
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'HTTP API latency (ms)',
        left: [cloudwatch.Stats.p(50), cloudwatch.Stats.p(90), cloudwatch.Stats.p(99)].map((statistic) =>
          api.metricLatency({ period, statistic }),
        ),
        width: 12,
      }),
    );
  }

  private addSpendCapAlarm(): void {
    const period = Duration.hours(1);
    // Both the API (Run now) and the scheduler refuse runs over a cap; they publish under their own service.
    const api = this.businessMetric(BUSINESS_METRICS.spendCapBreaches, 'promptpulse-api', cloudwatch.Stats.SUM, period);
    const tick = this.businessMetric(
      BUSINESS_METRICS.spendCapBreaches,
      'promptpulse-scheduler',
      cloudwatch.Stats.SUM,
      period,
    );
    this.alarm('SpendCapBreachAlarm', {
      alarmDescription:
        `Runs were refused because a workspace reached a spend cap (${this.props.spendCapAlarmThreshold}+ in an hour). ` +
        'Runbook: docs/runbook.md#spend-cap-breaches',
      metric: new cloudwatch.MathExpression({
        expression: 'FILL(api, 0) + FILL(tick, 0)',
        usingMetrics: { api, tick },
        label: 'Spend-cap refusals',
        period,
      }),
      threshold: this.props.spendCapAlarmThreshold,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
    });
  }

  /**
   * The sign-in trigger's errors and throttles as counts, not rates: its traffic is sign-ins and hourly token
   * refreshes, too few for the functions' error-rate alarm (at least 10 invocations in 5 minutes) to ever fire.
   */
  private addSignInTriggerAlarms(trigger: NodeFunction): void {
    const period = Duration.minutes(5);
    const { signInTriggerFailures } = OPERATIONS_THRESHOLDS;
    const failing = { threshold: signInTriggerFailures, evaluationPeriods: 3, datapointsToAlarm: 2 };
    const errors = trigger.function.metricErrors({ period, statistic: cloudwatch.Stats.SUM });
    const throttles = trigger.function.metricThrottles({ period, statistic: cloudwatch.Stats.SUM });
    this.alarm('SignInTriggerErrorsAlarm', {
      alarmDescription:
        `${trigger.node.path}: the Cognito pre-token-generation trigger failed (${signInTriggerFailures}+ errors in 2 ` +
        'of 3 five-minute periods); Cognito refuses every sign-in and token refresh it fails. ' +
        'Runbook: docs/runbook.md#sign-in-trigger',
      metric: errors,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      ...failing,
    });
    if (this.full)
      this.alarm('SignInTriggerThrottlesAlarm', {
        alarmDescription:
          `${trigger.node.path}: the Cognito pre-token-generation trigger was throttled (${signInTriggerFailures}+ in 2 ` +
          'of 3 five-minute periods); throttled sign-ins fail. Runbook: docs/runbook.md#sign-in-trigger',
        metric: throttles,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        ...failing,
      });
    this.widgets(
      new cloudwatch.GraphWidget({
        title: 'Sign-in trigger (Cognito pre-token generation)',
        left: [trigger.function.metricInvocations({ period }), errors, throttles],
        right: [trigger.function.metricDuration({ period, statistic: 'p99' })],
        width: 24,
      }),
    );
  }

  /** Alarms and widgets for everything in the stack; called once, at synthesis. */
  private watchStack(): void {
    const stack = Stack.of(this);
    const all = stack.node.findAll();
    const functions = all.filter((c): c is NodeFunction => c instanceof NodeFunction);
    const machines = all.filter((c): c is sfn.StateMachine => c instanceof sfn.StateMachine);
    const queues = all.filter((c): c is sqs.Queue => c instanceof sqs.Queue && DEAD_LETTER_ID.test(c.node.id));
    const period = Duration.minutes(5);
    const {
      functionErrorPercent,
      functionMinInvocations,
      functionThrottles,
      stateMachineFailures,
      deadLetterMessages,
    } = OPERATIONS_THRESHOLDS;

    // Per-function error-rate and throttle alarms: the bulk of the alarm bill (three metrics per function).
    for (const fn of this.full ? functions : []) {
      const name = alarmIdOf(this, fn);
      const invocations = fn.function.metricInvocations({ period, statistic: cloudwatch.Stats.SUM });
      const errors = fn.function.metricErrors({ period, statistic: cloudwatch.Stats.SUM });
      this.alarm(`${name}ErrorsAlarm`, {
        alarmDescription:
          `${fn.node.path}: more than ${functionErrorPercent}% of invocations failed (at least ` +
          `${functionMinInvocations} invocations in 5 minutes), 2 of 3 periods. Runbook: docs/runbook.md#function-errors`,
        metric: new cloudwatch.MathExpression({
          expression: `IF(invocations >= ${functionMinInvocations}, 100 * errors / invocations, 0)`,
          usingMetrics: { invocations, errors },
          label: 'errors %',
          period,
        }),
        threshold: functionErrorPercent,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 3,
        datapointsToAlarm: 2,
      });
      this.alarm(`${name}ThrottlesAlarm`, {
        alarmDescription: `${fn.node.path}: throttled for 15 minutes in a row. Runbook: docs/runbook.md#function-throttles`,
        metric: fn.function.metricThrottles({ period, statistic: cloudwatch.Stats.SUM }),
        threshold: functionThrottles,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 3,
      });
    }

    for (const machine of machines) {
      const failed = machine.metricFailed({ period, statistic: cloudwatch.Stats.SUM });
      const timedOut = machine.metricTimedOut({ period, statistic: cloudwatch.Stats.SUM });
      this.alarm(`${alarmIdOf(this, machine)}FailuresAlarm`, {
        alarmDescription:
          `${machine.node.path}: executions failed or timed out (the workflow catches provider failures, so this is ` +
          'an infrastructure or code fault). Runbook: docs/runbook.md#state-machine-failures',
        metric: new cloudwatch.MathExpression({
          expression: 'FILL(failed, 0) + FILL(timedOut, 0)',
          usingMetrics: { failed, timedOut },
          label: 'failed + timed out',
          period,
        }),
        threshold: stateMachineFailures,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
      });
    }

    const alreadyAlarmed = new Set(this.props.alreadyAlarmedQueues ?? []);
    for (const queue of queues) {
      if (alreadyAlarmed.has(queue)) continue;
      this.alarm(`${alarmIdOf(this, queue)}DepthAlarm`, {
        alarmDescription: `${queue.node.path}: messages were dead-lettered. Runbook: docs/runbook.md#dead-letters`,
        metric: queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }),
        threshold: deadLetterMessages,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
      });
    }

    const stackAlarms = stack.node.findAll().filter((c): c is cloudwatch.Alarm => c instanceof cloudwatch.Alarm);
    this.widgets(new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: stackAlarms, width: 24, height: 6 }));
    for (const row of businessWidgets(this.businessMetric.bind(this), this.props.metricsNamespace))
      this.widgets(...row);
    for (const row of stackWidgets(functions, machines, queues)) this.widgets(...row);
  }
}

/** A construct id for an alarm about `target`, unique in this construct: its path below the stack, alphanumeric. */
function alarmIdOf(operations: Construct, target: IConstruct): string {
  const stackPath = Stack.of(operations).node.path;
  return target.node.path
    .slice(stackPath.length + 1)
    .split('/')
    .map((part) => part.replace(/[^A-Za-z0-9]/g, ''))
    .join('');
}
