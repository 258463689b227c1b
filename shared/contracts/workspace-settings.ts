import * as z from 'zod';

const cap = (max: number) => z.number().min(0).max(max);

/** Per-tenant spend caps, enforced before work is enqueued. */
export const SpendCapsSchema = z.strictObject({
  callsPerDay: cap(1_000_000).int(),
  callsPerMonth: cap(30_000_000).int(),
  tokensPerDay: cap(10_000_000_000).int(),
  tokensPerMonth: cap(300_000_000_000).int(),
  usdPerDay: cap(100_000),
  usdPerMonth: cap(3_000_000),
});
export type SpendCaps = z.infer<typeof SpendCapsSchema>;

/** Limits that come with the plan; set by PromptPulse, not by the tenant. */
export const PlanLimitsSchema = z.object({
  maxBrands: z.number().int(),
  maxPromptsPerBrand: z.number().int(),
  maxProviders: z.number().int(),
  maxMembers: z.number().int(),
});
export type PlanLimits = z.infer<typeof PlanLimitsSchema>;

export const WorkspaceSettingsSchema = z.object({
  plan: z.enum(['trial', 'team', 'enterprise']),
  spendCaps: SpendCapsSchema,
  planLimits: PlanLimitsSchema,
  version: z.number().int().min(0),
});
export type WorkspaceSettings = z.infer<typeof WorkspaceSettingsSchema>;

/** `PATCH /workspaces/current` body. */
export const UpdateWorkspaceRequestSchema = z.strictObject({
  name: z.string().trim().min(2).max(80),
});
