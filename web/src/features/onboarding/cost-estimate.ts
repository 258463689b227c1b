import type { RunSettingsInput } from '../../../../shared/contracts/run-settings.ts';
import { estimatePlanUsage, type PlannedItem } from '../../../../shared/domain/runs.ts';

/** Runs a schedule starts in an average month (null for cron: it depends on the expression). */
export function runsPerMonth(schedule: RunSettingsInput['schedule']): number | null {
  switch (schedule?.kind ?? 'manual') {
    case 'manual':
      return 0;
    case 'daily':
      return 30.4;
    case 'weekly':
      return 4.35;
    default:
      return null;
  }
}

export interface CostEstimate {
  callsPerRun: number;
  usdPerRun: number;
  runsPerMonth: number | null;
  usdPerMonth: number | null;
}

/**
 * What the configured prompts, providers and samples will cost, before Finish: the same upper-bound estimate the
 * server applies against spend caps (`estimatePlanUsage`, current price table), per run and per month.
 */
export function estimateSetupCost(
  prompts: readonly { text: string; locale: string }[],
  run: Pick<RunSettingsInput, 'providers' | 'samplesPerPrompt' | 'schedule'>,
): CostEstimate {
  const items: PlannedItem[] = [];
  for (const [p, prompt] of prompts.entries())
    for (const provider of run.providers.filter((x) => x.enabled !== false))
      for (let sampleIndex = 0; sampleIndex < (run.samplesPerPrompt ?? 1); sampleIndex++)
        items.push({
          itemId: `${p}.${provider.provider}.${sampleIndex}`,
          promptId: String(p),
          promptText: prompt.text,
          provider: provider.provider,
          model: provider.model,
          surface: provider.surface,
          locale: prompt.locale,
          sampleIndex,
        });
  const usage = estimatePlanUsage(items);
  const perMonth = runsPerMonth(run.schedule);
  return {
    callsPerRun: usage.calls,
    usdPerRun: usage.usd,
    runsPerMonth: perMonth,
    usdPerMonth: perMonth === null ? null : Math.round(usage.usd * perMonth * 100) / 100,
  };
}
