import { describe, expect, it } from 'vitest';
import { type CfnTemplate, fixedCost, totalOf } from '../../../tools/cost/fixed-cost.ts';
import { PRICES } from '../../../tools/cost/prices.ts';

const stream = (props: Record<string, unknown>) => ({ Type: 'AWS::Kinesis::Stream', Properties: props });

describe('fixed monthly cost from templates', () => {
  it('prices an on-demand stream by the stream-hour and a provisioned one by the shard-hour, with extended retention', () => {
    const onDemand = fixedCost(
      [{ Resources: { S: stream({ StreamModeDetails: { StreamMode: 'ON_DEMAND' } }) } }],
      PRICES,
    );
    expect(onDemand).toEqual([expect.objectContaining({ item: 'Kinesis stream (on-demand)', monthlyUsd: 29.2 })]);
    const provisioned = fixedCost(
      [
        {
          Resources: {
            S: stream({ StreamModeDetails: { StreamMode: 'PROVISIONED' }, ShardCount: 2, RetentionPeriodHours: 168 }),
          },
        },
      ],
      PRICES,
    );
    expect(provisioned.map((line) => [line.item, line.count, line.monthlyUsd])).toEqual([
      ['Kinesis extended retention (168 h)', 2, 29.2],
      ['Kinesis stream (provisioned shards)', 2, 21.9],
    ]);
  });

  it('counts an alarm per metric it evaluates (metric math included), dashboards, keys and secrets', () => {
    const template: CfnTemplate = {
      Resources: {
        A: { Type: 'AWS::CloudWatch::Alarm', Properties: { MetricName: 'Errors' } },
        B: {
          Type: 'AWS::CloudWatch::Alarm',
          Properties: { Metrics: [{ Expression: 'a/b' }, { MetricStat: {} }, { MetricStat: {} }] },
        },
        D: { Type: 'AWS::CloudWatch::Dashboard' },
        K: { Type: 'AWS::KMS::Key' },
        S1: { Type: 'AWS::SecretsManager::Secret' },
        F: { Type: 'AWS::Lambda::Function' },
      },
    };
    const lines = fixedCost([template], PRICES);
    expect(lines.find((l) => l.item.startsWith('CloudWatch alarms'))).toMatchObject({ count: 3, monthlyUsd: 0.3 });
    expect(totalOf(lines)).toBe(0.3 + 3 + 1 + 0.4);
    expect(lines.some((l) => l.item.includes('Lambda'))).toBe(false);
  });
});
