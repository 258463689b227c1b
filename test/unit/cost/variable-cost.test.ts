import { describe, expect, it } from 'vitest';
import { emptyCounters, type UsageCounters } from '../../../tools/cost/counters.ts';
import { lambdaMemoryByName } from '../../../tools/cost/lambda-memory.ts';
import { PRICES } from '../../../tools/cost/prices.ts';
import { modelCostPer1k, totalPer1k, variableCost } from '../../../tools/cost/variable-cost.ts';

const GiB = 1024 ** 3;

/** 2,000 executions, so every line's per-1,000 figure is half of what was counted. */
function handMade(): UsageCounters {
  return {
    ...emptyCounters(),
    executions: 2000,
    stateTransitions: 6000,
    childExecutions: 2000,
    lambda: {
      Ask: { invocations: 2000, totalMs: 2000 * 5000, memoryMb: 512 },
      Aggregate: { invocations: 200, totalMs: 200 * 100, memoryMb: 256 },
    },
    dynamodb: { readRequestUnits: 10_000, writeRequestUnits: 40_000, requests: 30_000 },
    kinesis: { records: 2000, bytes: 1.5 * GiB, bytesRoundedTo1KiB: 2 * GiB, bytesRoundedTo5KiB: 4 * GiB },
    s3: { putRequests: 2000, getRequests: 4000, bytesPut: 0 },
    websocket: { messages: 6000, bytes: 0 },
  };
}

describe('variable cost per 1,000 prompt executions', () => {
  it('prices each service line from the counters at the table prices', () => {
    const lines = Object.fromEntries(variableCost(handMade(), PRICES).map((l) => [l.service, l.per1kUsd]));
    // 3,000 transitions × $0.025 / 1,000
    expect(lines['Step Functions (Standard)']).toBeCloseTo(0.075, 10);
    // (1,000 × 5 s × 0.5 GB + 100 × 0.1 s × 0.25 GB) = 2,502.5 GB-s × $0.0000133334
    expect(lines['Lambda duration']).toBeCloseTo(2502.5 * 0.0000133334, 10);
    // 1,100 requests × $0.20 / 1M
    expect(lines['Lambda requests']).toBeCloseTo(0.00022, 10);
    // 20,000 WRU × $0.625 / 1M + 5,000 RRU × $0.125 / 1M
    expect(lines['DynamoDB (on demand)']).toBeCloseTo(0.0125 + 0.000625, 10);
    // 1 GiB in at $0.08 + read by 2 consumers at $0.04
    expect(lines['Kinesis (on demand)']).toBeCloseTo(0.16, 10);
    // 2 GiB at the 5 KB record rounding × $0.029
    expect(lines.Firehose).toBeCloseTo(0.058, 10);
    // 1,000 PUT × $0.005 / 1,000 + 2,000 GET × $0.0004 / 1,000
    expect(lines['S3 requests']).toBeCloseTo(0.0058, 10);
    // 3,000 messages × $1 / 1M
    expect(lines['API Gateway WebSocket']).toBeCloseTo(0.003, 10);
    expect(totalPer1k(variableCost(handMade(), PRICES))).toBeCloseTo(
      0.075 + 2502.5 * 0.0000133334 + 0.00022 + 0.013125 + 0.16 + 0.058 + 0.0058 + 0.003,
      10,
    );
  });

  it('refuses counters that cover no execution', () => {
    expect(() => variableCost(emptyCounters(), PRICES)).toThrow(/no prompt execution/);
  });

  it('prices the model per 1,000 executions from the tokens used', () => {
    // 200 executions, 20 input + 200 output tokens each, at $0.15 / $0.60 per 1M tokens
    const cost = modelCostPer1k({ inputTokens: 4000, outputTokens: 40_000 }, 200, {
      inputPerMTok: 0.15,
      outputPerMTok: 0.6,
    });
    expect(cost).toBeCloseTo(1000 * (20 * 0.15 + 200 * 0.6) * 1e-6, 12);
  });

  it('reads each metered function’s memory from the template (Lambda’s 128 MB default when unset)', () => {
    const fn = (Description: string, MemorySize?: number) => ({
      Type: 'AWS::Lambda::Function',
      Properties: { Description, ...(MemorySize ? { MemorySize } : {}) },
    });
    const memory = lambdaMemoryByName([
      {
        Resources: {
          A: fn('PromptPulse fan-out Ask: asks one provider one prompt', 512),
          P: fn('PromptPulse fan-out Plan: expands a run into work items', 1024),
          G: fn('PromptPulse aggregation consumer: canonical events to daily rollups'),
          X: fn('PromptPulse API', 1769),
        },
      },
    ]);
    expect([...memory.entries()].sort()).toEqual([
      ['Aggregate', 128],
      ['Ask', 512],
      ['Plan', 1024],
    ]);
  });
});
