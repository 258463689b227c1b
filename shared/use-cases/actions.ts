import { crmTaskFields } from '../actions/crm-task.ts';
import type { ActionCandidate } from '../actions/engine.ts';
import { DEFAULT_ENGINE_CONFIG, type EngineConfig, generateCandidates } from '../actions/engine.ts';
import { evidenceChanges } from '../actions/evidence-check.ts';
import {
  DEFAULT_OUTCOME_CONFIG,
  evaluateOutcome,
  type OutcomeConfig,
  planOutcome,
  targetValue,
} from '../actions/outcome.ts';
import { DEFAULT_RECONCILE_CONFIG, type ReconcileConfig, reconcile } from '../actions/reconcile.ts';
import type { ActionSnapshot, SignalAlert, SnapshotAnswer } from '../actions/snapshot.ts';
import type {
  Action,
  ActionDetail,
  ActionEventDetail,
  ActionEventType,
  ActionListQuery,
  ActionPatch,
  ActionSeries,
  ActionStatus,
  GenerateActionsResult,
} from '../contracts/actions.ts';
import type { AuditEntry } from '../contracts/audit.ts';
import type { Brand } from '../contracts/brands.ts';
import { ConflictError, NotFoundError, PreconditionFailedError, ValidationError } from '../domain/errors.ts';
import { prefixedId } from '../domain/ids.ts';
import type { TenantPrincipal } from '../domain/principal.ts';
import { toTrackedEntities } from '../domain/tracked-entities.ts';
import type { TenantId } from '../domain/workspace.ts';
import { matchesFilter, sumCounters } from '../events/rollups.ts';
import type { ActionBusEvent, ActionEventBus, ActionRepository } from '../ports/actions.ts';
import type { BrandRepository } from '../ports/brand-repository.ts';
import type { Page } from '../ports/pagination.ts';
import type { PushNotifier } from '../ports/push.ts';
import type { RollupStore } from '../ports/rollups.ts';
import type { RunRepository } from '../ports/runs.ts';
import type { SignalStore } from '../ports/signals.ts';
import type { Clock, IdGenerator } from '../ports/system.ts';
import type { WorkspaceRepository } from '../ports/workspace-repository.ts';
import { baselineOf, socialActionSeries, socialTargetOf } from './action-social-series.ts';
import { auditEntry, changesBetween } from './audit.ts';

/** Tunables of the Action Hub, read from configuration once (see docs/actions.md). */
export interface ActionSettings {
  engine: EngineConfig;
  reconcile: ReconcileConfig;
  outcome: OutcomeConfig;
  /** Days in the current window; the baseline is the `baselineDays` before it. @default 7 / 28 */
  currentDays: number;
  baselineDays: number;
  /** Latest runs whose answers are read for evidence. @default 3 */
  evidenceRuns: number;
  /** Base URL of the web app, for links in CRM tasks. */
  appUrl: string;
}

export const DEFAULT_ACTION_SETTINGS: ActionSettings = {
  engine: DEFAULT_ENGINE_CONFIG,
  reconcile: DEFAULT_RECONCILE_CONFIG,
  outcome: DEFAULT_OUTCOME_CONFIG,
  currentDays: 7,
  baselineDays: 28,
  evidenceRuns: 3,
  appUrl: 'http://localhost:4000',
};

/** What the lifecycle API needs. */
export interface ActionDeps {
  actions: ActionRepository;
  bus: ActionEventBus;
  workspaces: WorkspaceRepository;
  rollups: RollupStore;
  clock: Clock;
  ids: IdGenerator;
  settings: ActionSettings;
  push?: PushNotifier | undefined;
  /** Signal rollups: the series of actions raised by a social swing (action-social-series.ts). */
  signals?: Pick<SignalStore, 'readDays'> | undefined;
}

/** What an engine run needs on top: where the snapshot is read from. */
export interface EngineRunDeps extends ActionDeps {
  brands: BrandRepository;
  runs: Pick<RunRepository, 'listRuns' | 'listItems' | 'getAnswer'>;
}

const DAY_MS = 86_400_000;
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

// ---------------------------------------------------------------------------------------------------------------
// The engine run: snapshot through ports → pure engine → reconcile → store, publish, push.

/** Reads everything the engine looks at for one brand (rollups of two windows, the latest runs' answers). */
export async function readSnapshot(
  deps: EngineRunDeps,
  tenantId: TenantId,
  brand: Brand,
  alerts: SignalAlert[] = [],
): Promise<ActionSnapshot> {
  const now = deps.clock.now();
  const today = Date.parse(`${day(now.getTime())}T00:00:00.000Z`);
  const { currentDays, baselineDays } = deps.settings;
  const current = { from: day(today - (currentDays - 1) * DAY_MS), to: day(today) };
  const baseline = {
    from: day(today - (currentDays + baselineDays - 1) * DAY_MS),
    to: day(today - currentDays * DAY_MS),
  };
  const [currentCells, baselineCells, promptSet, runs] = await Promise.all([
    deps.rollups.readCells(tenantId, brand.id, current.from, current.to),
    deps.rollups.readCells(tenantId, brand.id, baseline.from, baseline.to),
    brand.promptSetVersion > 0 ? deps.brands.getPromptSetVersion(tenantId, brand.id, brand.promptSetVersion) : null,
    deps.runs.listRuns(tenantId, brand.id, { limit: deps.settings.evidenceRuns }),
  ]);
  const answers: SnapshotAnswer[] = [];
  for (const run of runs.items) {
    let cursor: string | undefined;
    do {
      const page = await deps.runs.listItems(tenantId, run.id, 'succeeded', { limit: 100, cursor });
      const loaded = await Promise.all(
        page.items.flatMap((item) => (item.answerId ? [deps.runs.getAnswer(tenantId, item.answerId)] : [])),
      );
      for (const a of loaded) {
        if (!a?.analysis) continue;
        answers.push({
          answerId: a.answerId,
          promptId: a.promptId,
          provider: a.provider,
          answeredAt: a.createdAt,
          text: a.text,
          mentionedEntityIds: a.analysis.mentionedEntityIds,
          citedDomains: a.analysis.citedDomains,
          brandSentiment: a.analysis.brandMentioned ? a.analysis.brandSentiment : null,
        });
      }
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
  }
  answers.sort((a, b) => b.answeredAt.localeCompare(a.answeredAt));
  return {
    tenantId,
    now: now.toISOString(),
    brand: { id: brand.id, name: brand.name, ownedDomains: brand.ownedDomains, topics: brand.topics },
    competitors: brand.competitors.map((c) => ({ id: c.id, name: c.name, ownedDomains: c.ownedDomains })),
    trackedEntities: toTrackedEntities(brand),
    prompts: (promptSet?.prompts ?? []).map((p) => ({
      id: p.id,
      text: p.text,
      topicId: p.topicId,
      branded: p.branded,
    })),
    current: { ...current, cells: currentCells },
    baseline: { ...baseline, cells: baselineCells },
    answers,
    alerts,
  };
}

function newAction(deps: ActionDeps, brandId: string, candidate: ActionCandidate, now: string): Action {
  return {
    ...candidate,
    id: prefixedId('act', deps.ids.next()),
    brandId,
    status: 'open',
    owner: null,
    dueDate: null,
    dismissReason: null,
    comments: [],
    outcome: null,
    createdAt: now,
    updatedAt: now,
    closedAt: null,
    refreshCount: 0,
    version: 1,
  };
}

/** The bus event for an action (its public summary; evidence stays in the hub). */
export function actionEvent(
  settings: Pick<ActionSettings, 'appUrl'>,
  tenantId: string,
  type: ActionEventType,
  action: Action,
  change: string,
): ActionBusEvent {
  const detail: ActionEventDetail = {
    tenantId,
    action: {
      id: action.id,
      brandId: action.brandId,
      type: action.type,
      title: action.title,
      rationale: action.rationale,
      status: action.status,
      priority: action.priority,
      urgency: action.urgency,
      owner: action.owner,
      dueDate: action.dueDate,
      url: `${settings.appUrl.replace(/\/$/, '')}/actions/${action.id}`,
      updatedAt: action.updatedAt,
      version: action.version,
    },
    change,
  };
  return { type, detail: { ...detail, crm: crmTaskFields(detail.action) } };
}

/**
 * Runs the engine for one brand: reads the snapshot, generates candidates, reconciles them with the brand's
 * actions (dedupe, cap, cooldown), stores creations and updates, publishes `action.created` / `action.updated`
 * and pushes `actions.changed` to the workspace's browsers. Also decides outcomes that have come due.
 */
export async function runActionEngine(
  deps: EngineRunDeps,
  tenantId: TenantId,
  brandId: string,
  options: {
    alerts?: SignalAlert[];
    /** A re-judge after the brand's history was re-scored: open actions the engine no longer finds are marked. */
    rejudge?: { reason: string };
  } = {},
): Promise<GenerateActionsResult> {
  const brand = await deps.brands.getBrand(tenantId, brandId);
  if (!brand) throw new NotFoundError('Brand not found', { code: 'brand_not_found' });
  const snapshot = await readSnapshot(deps, tenantId, brand, options.alerts ?? []);
  const { candidates, insufficientData } = generateCandidates(snapshot, deps.settings.engine);
  const existing = await deps.actions.listForBrand(tenantId, brandId);
  const now = deps.clock.now();
  const plan = reconcile(candidates, existing, now, deps.settings.reconcile);
  const at = now.toISOString();
  const events: ActionBusEvent[] = [];
  let created = 0;
  for (const candidate of plan.create) {
    const action = newAction(deps, brandId, candidate, at);
    try {
      await deps.actions.create(tenantId, action, null);
    } catch (error) {
      // A concurrent engine run created it a moment ago: that one stands (no twin).
      if (error instanceof ConflictError && error.code === 'duplicate_open_action') continue;
      throw error;
    }
    created++;
    events.push(actionEvent(deps.settings, tenantId, 'promptpulse.action.created', action, 'created'));
  }
  for (const { action, candidate } of plan.update) {
    const refreshed: Action = {
      ...action,
      ...candidate,
      evidenceLapsed: null,
      updatedAt: at,
      refreshCount: action.refreshCount + 1,
      version: action.version + 1,
    };
    try {
      await deps.actions.update(tenantId, refreshed, null);
      events.push(actionEvent(deps.settings, tenantId, 'promptpulse.action.updated', refreshed, 'evidence_refreshed'));
    } catch (error) {
      // A person changed it meanwhile: their change wins; the next run refreshes the evidence.
      if (!(error instanceof Error && error.name === 'PreconditionFailedError')) throw error;
    }
  }
  let rejudged = 0;
  for (const { action, change } of evidenceChanges(candidates, existing, at, options.rejudge ?? null)) {
    try {
      await deps.actions.update(tenantId, action, null);
      events.push(actionEvent(deps.settings, tenantId, 'promptpulse.action.updated', action, change));
      rejudged++;
    } catch (error) {
      if (!(error instanceof Error && error.name === 'PreconditionFailedError')) throw error;
    }
  }
  events.push(...(await evaluateDueOutcomes(deps, tenantId, existing)));
  if (events.length > 0) await deps.bus.publish(events);
  if (created + plan.update.length + rejudged > 0) {
    await deps.push
      ?.pushToTenant(tenantId, {
        type: 'actions.changed',
        brandId,
        created,
        updated: plan.update.length + rejudged,
      })
      .catch(() => undefined);
  }
  return {
    created,
    updated: plan.update.length,
    unchanged: plan.unchanged.length,
    suppressed: plan.suppressed,
    insufficientData,
  };
}

/** Sums the target's rollup cells over a window. */
async function targetCounters(
  deps: Pick<ActionDeps, 'rollups'>,
  tenantId: TenantId,
  action: Action,
  from: string,
  to: string,
) {
  const cells = await deps.rollups.readCells(tenantId, action.brandId, from, to);
  return sumCounters(cells.filter((c) => matchesFilter(c.dims, action.target.filter)).map((c) => c.counters));
}

/**
 * Decides the outcome of done actions whose after-window has elapsed (effective / not effective / inconclusive,
 * by the noise test), stores it and returns the `action.updated` events to publish.
 */
export async function evaluateDueOutcomes(
  deps: ActionDeps,
  tenantId: TenantId,
  actions?: readonly Action[],
): Promise<ActionBusEvent[]> {
  const now = deps.clock.now();
  const all = actions ?? (await deps.actions.listAll(tenantId));
  const due = all.filter(
    (a) =>
      a.status === 'done' && a.outcome?.status === 'pending' && Date.parse(a.outcome.evaluateAfter) <= now.getTime(),
  );
  const events: ActionBusEvent[] = [];
  for (const action of due) {
    const outcome = action.outcome;
    if (!outcome) continue;
    const [before, after] = await Promise.all([
      targetCounters(deps, tenantId, action, outcome.before.from, outcome.before.to),
      targetCounters(deps, tenantId, action, outcome.after.from, outcome.after.to),
    ]);
    const decided = evaluateOutcome(outcome, action.target, before, after, now, deps.settings.outcome);
    const updated: Action = { ...action, outcome: decided, updatedAt: now.toISOString(), version: action.version + 1 };
    try {
      await deps.actions.update(tenantId, updated, null);
      events.push(
        actionEvent(deps.settings, tenantId, 'promptpulse.action.updated', updated, `outcome_${decided.status}`),
      );
    } catch (error) {
      if (!(error instanceof Error && error.name === 'PreconditionFailedError')) throw error;
    }
  }
  return events;
}

// ---------------------------------------------------------------------------------------------------------------
// The lifecycle API.

const URGENCY_RANK = { high: 0, medium: 1, low: 2 } as const;

interface ListCursor {
  offset: number;
}
const encodeCursor = (c: ListCursor) => btoa(JSON.stringify(c)).replace(/=+$/, '');
function decodeListCursor(raw: string | undefined): ListCursor {
  if (!raw) return { offset: 0 };
  try {
    const parsed = JSON.parse(atob(raw)) as unknown;
    if (
      parsed &&
      typeof parsed === 'object' &&
      Number.isInteger((parsed as ListCursor).offset) &&
      (parsed as ListCursor).offset >= 0
    ) {
      return parsed as ListCursor;
    }
  } catch {
    // falls through to the error below
  }
  throw new ValidationError('The page cursor is invalid or belongs to another list', { code: 'invalid_cursor' });
}

/** Filters and sorts the tenant's actions (priority: open work first, then priority, urgency, newest). */
export async function listActions(
  deps: Pick<ActionDeps, 'actions'>,
  tenant: TenantPrincipal,
  query: ActionListQuery,
): Promise<Page<Action>> {
  const all = await deps.actions.listAll(tenant.tenantId);
  const filtered = all.filter(
    (a) =>
      (!query.brandId || a.brandId === query.brandId) &&
      (!query.type || a.type === query.type) &&
      (!query.status || a.status === query.status) &&
      (!query.owner || (query.owner === 'none' ? a.owner === null : a.owner?.userId === query.owner)),
  );
  const openFirst = (a: Action) => (a.status === 'open' || a.status === 'in_progress' ? 0 : 1);
  const sorters: Record<ActionListQuery['sort'], (a: Action, b: Action) => number> = {
    priority: (a, b) =>
      openFirst(a) - openFirst(b) ||
      b.priority - a.priority ||
      URGENCY_RANK[a.urgency] - URGENCY_RANK[b.urgency] ||
      b.createdAt.localeCompare(a.createdAt) ||
      a.id.localeCompare(b.id),
    newest: (a, b) => b.createdAt.localeCompare(a.createdAt) || a.id.localeCompare(b.id),
    due: (a, b) =>
      (a.dueDate ?? '9999').localeCompare(b.dueDate ?? '9999') || b.priority - a.priority || a.id.localeCompare(b.id),
  };
  filtered.sort(sorters[query.sort]);
  const { offset } = decodeListCursor(query.cursor);
  const items = filtered.slice(offset, offset + query.limit);
  const next = offset + query.limit;
  return { items, nextCursor: next < filtered.length ? encodeCursor({ offset: next }) : null };
}

export async function getActionOrThrow(deps: Pick<ActionDeps, 'actions'>, tenant: TenantPrincipal, actionId: string) {
  const action = await deps.actions.get(tenant.tenantId, actionId);
  if (!action) throw new NotFoundError('Action not found', { code: 'action_not_found' });
  return action;
}

export async function getActionDetail(
  deps: Pick<ActionDeps, 'actions'>,
  tenant: TenantPrincipal,
  actionId: string,
): Promise<ActionDetail> {
  const action = await getActionOrThrow(deps, tenant, actionId);
  return { ...action, sync: await deps.actions.listSync(tenant.tenantId, actionId) };
}

const TRANSITIONS: Record<ActionStatus, readonly ActionStatus[]> = {
  open: ['in_progress', 'done', 'dismissed'],
  in_progress: ['open', 'done', 'dismissed'],
  done: [],
  dismissed: [],
};

/**
 * Status, owner and due date changes (If-Match version). `done` plans the outcome check; `dismissed` needs a
 * reason; both are final and start the cooldown. Each change is audited and published as `action.updated`.
 */
export async function patchAction(
  deps: ActionDeps,
  tenant: TenantPrincipal,
  actionId: string,
  expectedVersion: number,
  patch: ActionPatch,
): Promise<Action> {
  const action = await getActionOrThrow(deps, tenant, actionId);
  if (action.version !== expectedVersion) {
    throw new PreconditionFailedError('The action changed since you loaded it; reload and try again', {
      details: { currentVersion: action.version },
    });
  }
  const now = deps.clock.now();
  const at = now.toISOString();
  const next: Action = { ...action, updatedAt: at, version: action.version + 1 };
  const changes: string[] = [];
  if (patch.status !== undefined && patch.status !== action.status) {
    if (!TRANSITIONS[action.status].includes(patch.status)) {
      throw new ConflictError(`An action that is ${action.status} cannot become ${patch.status}`, {
        code: 'invalid_transition',
        details: [
          {
            path: 'status',
            message: `allowed from ${action.status}: ${TRANSITIONS[action.status].join(', ') || 'none'}`,
          },
        ],
      });
    }
    next.status = patch.status;
    if (patch.status === 'done') {
      next.closedAt = at;
      next.outcome = planOutcome(now, deps.settings.outcome);
    }
    if (patch.status === 'dismissed') {
      next.closedAt = at;
      next.dismissReason = patch.dismissReason ?? null;
    }
    changes.push(`status ${action.status} → ${patch.status}`);
  }
  if (patch.ownerUserId !== undefined) {
    if (patch.ownerUserId === null) next.owner = null;
    else {
      const member = await deps.workspaces.getMember(tenant.tenantId, patch.ownerUserId);
      if (!member) {
        throw new ValidationError('The owner must be a member of this workspace', {
          code: 'owner_not_member',
          details: [{ path: 'ownerUserId', message: 'not a member of this workspace' }],
        });
      }
      next.owner = { userId: member.userId, email: member.email };
    }
    changes.push(next.owner ? `assigned to ${next.owner.email ?? next.owner.userId}` : 'unassigned');
  }
  if (patch.dueDate !== undefined) {
    next.dueDate = patch.dueDate;
    changes.push(patch.dueDate ? `due ${patch.dueDate}` : 'due date cleared');
  }
  const audit = auditEntry(deps, tenant, {
    action: patch.status && patch.status !== action.status ? 'action.status_changed' : 'action.updated',
    target: { type: 'action', id: action.id },
    summary: `${action.title}: ${changes.join(', ') || 'no change'}`,
    changes: changesBetween(action, next, ['status', 'owner', 'dueDate', 'dismissReason']),
  });
  await deps.actions.update(tenant.tenantId, next, audit);
  await deps.bus.publish([
    actionEvent(deps.settings, tenant.tenantId, 'promptpulse.action.updated', next, changes.join(', ')),
  ]);
  return next;
}

/** Appends a comment (no If-Match: comments never conflict; the version still moves). */
export async function commentOnAction(
  deps: ActionDeps,
  tenant: TenantPrincipal,
  actionId: string,
  text: string,
): Promise<Action> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const action = await getActionOrThrow(deps, tenant, actionId);
    if (action.comments.length >= 200) {
      throw new ConflictError('This action has reached its 200 comments', { code: 'too_many_comments' });
    }
    const at = deps.clock.now().toISOString();
    const comment = {
      id: prefixedId('cmt', deps.ids.next()),
      at,
      author: { userId: tenant.userId, email: tenant.email },
      text,
    };
    const next: Action = {
      ...action,
      comments: [...action.comments, comment],
      updatedAt: at,
      version: action.version + 1,
    };
    const audit: AuditEntry = auditEntry(deps, tenant, {
      action: 'action.commented',
      target: { type: 'action', id: action.id },
      summary: `Comment on “${action.title}”`,
    });
    try {
      await deps.actions.update(tenant.tenantId, next, audit);
      return next;
    } catch (error) {
      if (!(error instanceof Error && error.name === 'PreconditionFailedError')) throw error;
    }
  }
  throw new ConflictError('The action is changing too fast; try again', { code: 'concurrent_change' });
}

/** Daily values of the action's target metric (with n and intervals) over the last `days` days. */
export async function actionSeries(
  deps: Pick<ActionDeps, 'actions' | 'rollups' | 'clock' | 'signals'>,
  tenant: TenantPrincipal,
  actionId: string,
  days = 60,
): Promise<ActionSeries> {
  const action = await getActionOrThrow(deps, tenant, actionId);
  const now = deps.clock.now().getTime();
  const social = socialTargetOf(action);
  if (social && deps.signals)
    return socialActionSeries(deps.signals, action, social, day(now - (days - 1) * DAY_MS), day(now), tenant.tenantId);
  const cells = await deps.rollups.readCells(tenant.tenantId, action.brandId, day(now - (days - 1) * DAY_MS), day(now));
  const byDay = new Map<string, typeof cells>();
  for (const c of cells) {
    if (!matchesFilter(c.dims, action.target.filter)) continue;
    byDay.set(c.dims.day, [...(byDay.get(c.dims.day) ?? []), c]);
  }
  const points = [...byDay.keys()].sort().map((d) => {
    const value = targetValue(action.target, sumCounters((byDay.get(d) ?? []).map((c) => c.counters)));
    return { day: d, value: value?.figure.value ?? null, n: value?.figure.n ?? 0, ci: value?.figure.ci ?? null };
  });
  return { actionId, label: action.target.label, points, baseline: baselineOf(action), basis: 'answers' };
}
