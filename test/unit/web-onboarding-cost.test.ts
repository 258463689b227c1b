import { describe, expect, it } from 'vitest';
import { estimatePlanUsage } from '../../shared/domain/runs.ts';
import { estimateSetupCost, runsPerMonth } from '../../web/src/features/onboarding/cost-estimate.ts';

describe('the setup cost estimate shown before Finish', () => {
  const prompts = Array.from({ length: 10 }, (_, i) => ({
    text: `What is the best cloud cost tool number ${i}?`,
    locale: 'en-US',
  }));
  const providers = [
    { provider: 'openai' as const, model: 'gpt-4.1-mini', surface: 'api' as const, enabled: true },
    { provider: 'anthropic' as const, model: 'claude-haiku-4-5', surface: 'api' as const, enabled: true },
    { provider: 'perplexity' as const, model: 'sonar', surface: 'api_web_search' as const, enabled: false },
  ];

  it('counts prompts × enabled providers × samples and prices them like the spend-cap check', () => {
    const cost = estimateSetupCost(prompts, {
      providers,
      samplesPerPrompt: 3,
      schedule: { kind: 'daily', time: '06:00', timeZone: 'Europe/Berlin' },
    });
    expect(cost.callsPerRun).toBe(60);
    expect(cost.usdPerRun).toBeGreaterThan(0);
    const server = estimatePlanUsage(
      prompts.flatMap((p, i) =>
        providers
          .filter((x) => x.enabled)
          .flatMap((x) =>
            [0, 1, 2].map((s) => ({
              ...x,
              itemId: `${i}${s}`,
              promptId: `${i}`,
              promptText: p.text,
              locale: p.locale,
              sampleIndex: s,
            })),
          ),
      ),
    );
    expect(cost.usdPerRun).toBe(server.usd);
    expect(cost.usdPerMonth).toBeCloseTo(cost.usdPerRun * 30.4, 2);
  });

  it('says what a month costs per schedule kind', () => {
    expect(runsPerMonth({ kind: 'manual' })).toBe(0);
    expect(runsPerMonth({ kind: 'weekly', dayOfWeek: 'mon', time: '06:00', timeZone: 'UTC' })).toBeCloseTo(4.35);
    expect(runsPerMonth({ kind: 'cron', expression: '0 6 * * 1-5', timeZone: 'UTC' })).toBeNull();
  });
});
