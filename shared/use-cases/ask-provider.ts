import type { RunItem } from '../contracts/runs.ts';
import { ProviderQuotaError, ProviderThrottledError, ProviderTimeoutError } from '../domain/provider-errors.ts';
import type { UsageEstimate } from '../domain/runs.ts';
import type { TenantId } from '../domain/workspace.ts';
import type { AiProvider, AskResult, ProviderId } from '../ports/ai-provider.ts';
import type { ProviderPauseStore } from '../ports/provider-pauses.ts';
import type { UsageLedger } from '../ports/runs.ts';
import type { Clock } from '../ports/system.ts';

/**
 * How the Ask step calls a provider: the workflow-facing policy around one `AiProvider.ask`.
 *
 * - **retry-after pacing.** A 429 whose `retry-after` is at most {@link MAX_PACED_WAIT_MS} is waited out and asked
 *   again inside the same invocation, as long as the paced time stays within {@link PACING_BUDGET_MS}; the same
 *   handler runs in Lambda and in the local runner, so both honour the provider's own pacing. A longer wait goes
 *   back to the workflow's Retry (exponential backoff, up to 30 s) as the typed error. The Ask state's timeout
 *   leaves room for this budget plus one web-search call.
 * - **billing/quota pauses.** A `ProviderQuotaError` pauses the provider for the workspace: later items of that
 *   provider (this run and the next ones) end at once with the pause's reason, with no call and no retry, until the
 *   quota resets (`resumesAt`, a daily quota's reset) or, for billing (no known reset), {@link BILLING_RECHECK_MS}
 *   later: then one item asks again (quota errors are not billed) and re-pauses if the account is still empty.
 * - **timed-out calls cost money.** The provider usually finished and billed a call we gave up on, so each timed-out
 *   attempt is recorded against the spend caps at the item's estimated cost.
 */
export const MAX_PACED_WAIT_MS = 30_000;
/** How long a billing pause (no reset time known) lasts before the provider is tried again. */
export const BILLING_RECHECK_MS = 3_600_000;
export const PACING_BUDGET_MS = 60_000;
const MAX_PACED_ATTEMPTS = 5;

export interface AskProviderDeps {
  providers: { get(id: ProviderId): AiProvider };
  usage: UsageLedger;
  clock: Clock;
  /** Waits before a throttled call is asked again; without it nothing is paced. */
  sleep?: ((ms: number) => Promise<void>) | undefined;
  /** Provider pauses of workspaces; without it quota errors only fail their item. */
  pauses?: ProviderPauseStore | undefined;
}

const PROVIDER_NAMES: Record<ProviderId, string> = {
  openai: 'OpenAI',
  anthropic: 'Anthropic',
  gemini: 'Gemini',
  perplexity: 'Perplexity',
};

export async function askProvider(
  deps: AskProviderDeps,
  tenantId: TenantId,
  runId: string,
  item: RunItem,
  estimate: UsageEstimate,
): Promise<AskResult> {
  const paused = await deps.pauses?.get(tenantId, item.provider, deps.clock.now());
  if (paused) {
    throw new ProviderQuotaError(
      `${PROVIDER_NAMES[item.provider]} is paused for this workspace since ${paused.pausedAt}: ${paused.reason}` +
        ` (asked again from ${paused.resumesAt ?? 'the next run'}; top up the provider account if this persists)`,
      { provider: item.provider, providerCode: paused.code, resumesAt: paused.resumesAt },
    );
  }
  const provider = deps.providers.get(item.provider);
  let paced = 0;
  for (let attempt = 0; ; attempt++) {
    try {
      return await provider.ask({
        prompt: item.promptText,
        model: item.model,
        locale: item.locale,
        surface: item.surface,
        requestId: item.itemId,
        sampleIndex: item.sampleIndex,
      });
    } catch (error) {
      if (error instanceof ProviderTimeoutError) {
        await deps.usage.record(tenantId, deps.clock.now(), estimate);
        throw error;
      }
      if (error instanceof ProviderQuotaError) {
        await deps.pauses?.pause(tenantId, {
          provider: item.provider,
          reason: error.message,
          code: error.providerCode,
          pausedAt: deps.clock.now().toISOString(),
          resumesAt: error.resumesAt ?? new Date(deps.clock.now().getTime() + BILLING_RECHECK_MS).toISOString(),
          runId,
        });
        throw error;
      }
      const wait = error instanceof ProviderThrottledError ? error.retryAfterMs : null;
      if (
        !deps.sleep ||
        wait === null ||
        wait > MAX_PACED_WAIT_MS ||
        attempt + 1 >= MAX_PACED_ATTEMPTS ||
        paced + wait > PACING_BUDGET_MS
      ) {
        throw error;
      }
      paced += wait;
      await deps.sleep(wait + Math.random() * 50);
    }
  }
}
