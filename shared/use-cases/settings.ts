import { Cron } from 'croner';
import type { RunSettings, RunSettingsInput, Schedule } from '../contracts/run-settings.ts';
import { RunSettingsInputSchema } from '../contracts/run-settings.ts';
import type { SpendCaps, WorkspaceSettings } from '../contracts/workspace-settings.ts';
import { ConflictError, PreconditionFailedError, ValidationError } from '../domain/errors.ts';
import { assertJudgeModelUsable } from '../domain/judge-settings.ts';
import { utcDay } from '../domain/model-catalogue.ts';
import { DEFAULT_SPEND_CAPS, PLAN_LIMITS } from '../domain/plans.ts';
import type { TenantPrincipal } from '../domain/principal.ts';
import { auditEntry, changesBetween } from './audit.ts';
import { type BrandDeps, getBrandOrThrow } from './brands.ts';
import { assertSelectionsOffered, currentCatalogue } from './model-catalogue.ts';

const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

/** The schedule as a 5-field cron expression (what EventBridge Scheduler and the local scheduler run). */
export function scheduleToCron(schedule: Schedule): string | null {
  switch (schedule.kind) {
    case 'manual':
      return null;
    case 'daily': {
      const [h, m] = schedule.time.split(':');
      return `${Number(m)} ${Number(h)} * * *`;
    }
    case 'weekly': {
      const [h, m] = schedule.time.split(':');
      return `${Number(m)} ${Number(h)} * * ${DAYS.indexOf(schedule.dayOfWeek)}`;
    }
    case 'cron':
      return schedule.expression;
  }
}

/** Next run after `now`, or null for manual schedules. @throws ValidationError for an invalid cron expression. */
export function nextRunAt(schedule: Schedule, now: Date): string | null {
  const cron = scheduleToCron(schedule);
  if (!cron || schedule.kind === 'manual') return null;
  try {
    // croner: zero dependencies, time zones through Intl (cron-parser brought luxon, ~100 KB in the API bundle).
    const next = new Cron(cron, { timezone: schedule.timeZone, mode: '5-part' }).nextRun(now);
    if (!next) throw new Error(`"${cron}" never fires`);
    return next.toISOString();
  } catch (error) {
    throw new ValidationError('The schedule is invalid', {
      code: 'invalid_schedule',
      details: [{ path: 'schedule.expression', message: (error as Error).message }],
    });
  }
}

export async function getRunSettings(
  deps: Pick<BrandDeps, 'brands' | 'clock'>,
  tenant: TenantPrincipal,
  brandId: string,
): Promise<RunSettings> {
  await getBrandOrThrow(deps, tenant, brandId);
  const stored = await deps.brands.getRunSettings(tenant.tenantId, brandId);
  return (
    (stored && { ...stored, sentimentJudge: stored.sentimentJudge ?? null }) ?? {
      brandId,
      providers: [],
      samplesPerPrompt: 3,
      schedule: { kind: 'manual' },
      sentimentJudge: null,
      nextRunAt: null,
      version: 0,
      updatedAt: null,
    }
  );
}

export async function saveRunSettings(
  deps: BrandDeps,
  tenant: TenantPrincipal,
  brandId: string,
  expectedVersion: number,
  rawInput: RunSettingsInput,
): Promise<RunSettings> {
  const input = RunSettingsInputSchema.parse(rawInput);
  const current = await getRunSettings(deps, tenant, brandId);
  if (current.version !== expectedVersion) {
    throw new PreconditionFailedError('The run settings were changed by someone else; reload and try again');
  }
  const workspace = await deps.workspaces.getWorkspace(tenant.tenantId);
  const maxProviders = PLAN_LIMITS[workspace?.plan ?? 'trial'].maxProviders;
  const enabled = input.providers.filter((p) => p.enabled).length;
  if (enabled > maxProviders) {
    throw new ConflictError(`Your plan allows ${maxProviders} enabled providers (you chose ${enabled})`, {
      code: 'plan_limit_reached',
      details: { limit: 'maxProviders', value: maxProviders },
    });
  }
  const now = deps.clock.now();
  const catalogue = await currentCatalogue(deps);
  assertSelectionsOffered(catalogue, input.providers, utcDay(now));
  const sentimentJudge = input.sentimentJudge === undefined ? (current.sentimentJudge ?? null) : input.sentimentJudge;
  if (input.sentimentJudge) assertJudgeModelUsable(catalogue, input.sentimentJudge, utcDay(now));
  const next: RunSettings = {
    brandId,
    providers: input.providers,
    samplesPerPrompt: input.samplesPerPrompt,
    schedule: input.schedule,
    sentimentJudge,
    nextRunAt: nextRunAt(input.schedule, now),
    version: expectedVersion + 1,
    updatedAt: now.toISOString(),
  };
  await deps.brands.putRunSettings(
    tenant.tenantId,
    next,
    auditEntry(deps, tenant, {
      action: 'run_settings.updated',
      target: { type: 'brand', id: brandId },
      summary: 'Updated providers, samples, schedule and sentiment judge',
      changes: changesBetween(current, next, ['providers', 'samplesPerPrompt', 'schedule', 'sentimentJudge']),
    }),
  );
  return next;
}

export async function getWorkspaceSettings(
  deps: Pick<BrandDeps, 'workspaces'>,
  tenant: TenantPrincipal,
): Promise<WorkspaceSettings> {
  const [workspace, stored] = await Promise.all([
    deps.workspaces.getWorkspace(tenant.tenantId),
    deps.workspaces.getSettings(tenant.tenantId),
  ]);
  const plan = workspace?.plan ?? 'trial';
  return {
    plan,
    planLimits: PLAN_LIMITS[plan],
    spendCaps: stored?.spendCaps ?? DEFAULT_SPEND_CAPS,
    version: stored?.version ?? 0,
  };
}

export async function saveSpendCaps(
  deps: Pick<BrandDeps, 'workspaces' | 'clock' | 'ids'>,
  tenant: TenantPrincipal,
  expectedVersion: number,
  caps: SpendCaps,
): Promise<WorkspaceSettings> {
  const current = await getWorkspaceSettings(deps, tenant);
  if (current.version !== expectedVersion) {
    throw new PreconditionFailedError('The spend caps were changed by someone else; reload and try again');
  }
  if (
    caps.callsPerDay > caps.callsPerMonth ||
    caps.tokensPerDay > caps.tokensPerMonth ||
    caps.usdPerDay > caps.usdPerMonth
  ) {
    throw new ValidationError('A daily cap cannot exceed its monthly cap', {
      code: 'invalid_spend_caps',
      details: [{ path: 'spendCaps', message: 'each daily cap must be ≤ the monthly cap' }],
    });
  }
  const next = { spendCaps: caps, version: expectedVersion + 1 };
  await deps.workspaces.putSettings(
    tenant.tenantId,
    next,
    auditEntry(deps, tenant, {
      action: 'spend_caps.updated',
      target: { type: 'workspace', id: tenant.tenantId },
      summary: 'Updated spend caps',
      changes: changesBetween(current.spendCaps, caps, Object.keys(caps)),
    }),
  );
  return { ...current, ...next };
}
