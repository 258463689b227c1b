import type { TenantId } from '../domain/workspace.ts';
import type { ProviderId } from './ai-provider.ts';

/**
 * A provider paused for one workspace because its account's billing or quota is exhausted (`ProviderQuotaError`).
 * While paused, the fan-out ends that provider's items at once with the pause's reason instead of calling (and
 * failing, and retrying) once per item; the owner sees the pause on the run and in the provider settings.
 */
export interface ProviderPause {
  provider: ProviderId;
  /** What the provider said, for the owner (`OpenAI: the account's billing quota is exhausted`). */
  reason: string;
  /** The provider's code (`insufficient_quota`, `credit_balance_too_low`, `RESOURCE_EXHAUSTED`...). */
  code: string | null;
  pausedAt: string;
  /** When asking again makes sense: a daily quota's reset, or a re-check an hour on for billing; null = until resumed. */
  resumesAt: string | null;
  /** The run that hit it. */
  runId: string | null;
}

export interface ProviderPauseStore {
  /** The pause in force now (one whose `resumesAt` has passed is not), or null. */
  get(tenantId: TenantId, provider: ProviderId, now: Date): Promise<ProviderPause | null>;
  /** Every pause in force now. */
  list(tenantId: TenantId, now: Date): Promise<ProviderPause[]>;
  /** Records a pause (the latest wins). */
  pause(tenantId: TenantId, pause: ProviderPause): Promise<void>;
  /** Lifts a pause (the owner topped up the account). */
  resume(tenantId: TenantId, provider: ProviderId): Promise<void>;
}
