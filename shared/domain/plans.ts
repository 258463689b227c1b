import type { PlanLimits, SpendCaps } from '../contracts/workspace-settings.ts';
import type { Workspace } from './workspace.ts';

/** What each plan allows. Set by PromptPulse; tenants cannot change them. */
export const PLAN_LIMITS: Record<Workspace['plan'], PlanLimits> = {
  trial: { maxBrands: 3, maxPromptsPerBrand: 100, maxProviders: 4, maxMembers: 10 },
  team: { maxBrands: 10, maxPromptsPerBrand: 500, maxProviders: 8, maxMembers: 50 },
  enterprise: { maxBrands: 50, maxPromptsPerBrand: 2000, maxProviders: 12, maxMembers: 500 },
};

/** Spend caps a new workspace starts with: small enough that a mistake costs little. */
export const DEFAULT_SPEND_CAPS: SpendCaps = {
  callsPerDay: 2_000,
  callsPerMonth: 30_000,
  tokensPerDay: 4_000_000,
  tokensPerMonth: 60_000_000,
  usdPerDay: 20,
  usdPerMonth: 300,
};
