import type { Action } from '../contracts/actions.ts';
import type { ActionCandidate } from './engine.ts';

export interface ReconcileConfig {
  /** New actions per brand per UTC day at most (re-runs that only update do not count). @default 5 */
  dailyCap: number;
  /** After an action is done or dismissed, the same recommendation stays quiet this long. @default 14 */
  cooldownDays: number;
}

export const DEFAULT_RECONCILE_CONFIG: ReconcileConfig = { dailyCap: 5, cooldownDays: 14 };

export type SuppressionReason = 'cooldown' | 'evidence_not_new' | 'cap';

export interface ReconcilePlan {
  create: ActionCandidate[];
  /** Open or in-progress actions whose evidence changed: refresh them (same id, version + 1). */
  update: { action: Action; candidate: ActionCandidate }[];
  /** Open actions the candidate matches with the same evidence: nothing to write. */
  unchanged: Action[];
  suppressed: { dedupeKey: string; reason: SuppressionReason }[];
}

const DAY_MS = 86_400_000;

/**
 * Decides what the engine's candidates do to a brand's existing actions (pure):
 * - same dedupe key as an open / in-progress action → update it (only when its evidence fingerprint changed);
 * - same key as a closed (done / dismissed) action → suppressed until the cooldown has passed AND the candidate's
 *   evidence is new (observed after the close, with a different fingerprint); then a new action;
 * - otherwise a new action, highest priority first, while the brand's daily cap allows.
 */
export function reconcile(
  candidates: readonly ActionCandidate[],
  existing: readonly Action[],
  now: Date,
  config: ReconcileConfig = DEFAULT_RECONCILE_CONFIG,
): ReconcilePlan {
  const plan: ReconcilePlan = { create: [], update: [], unchanged: [], suppressed: [] };
  const latestByKey = new Map<string, Action>();
  for (const a of existing) {
    const seen = latestByKey.get(a.dedupeKey);
    if (!seen || a.createdAt > seen.createdAt) latestByKey.set(a.dedupeKey, a);
  }
  const today = now.toISOString().slice(0, 10);
  let budget = config.dailyCap - existing.filter((a) => a.createdAt.slice(0, 10) === today).length;
  const seenKeys = new Set<string>();
  const ordered = [...candidates].sort((a, b) => b.priority - a.priority || a.dedupeKey.localeCompare(b.dedupeKey));
  for (const candidate of ordered) {
    if (seenKeys.has(candidate.dedupeKey)) continue;
    seenKeys.add(candidate.dedupeKey);
    const previous = latestByKey.get(candidate.dedupeKey);
    if (previous && (previous.status === 'open' || previous.status === 'in_progress')) {
      if (previous.evidenceFingerprint === candidate.evidenceFingerprint) plan.unchanged.push(previous);
      else plan.update.push({ action: previous, candidate });
      continue;
    }
    if (previous?.closedAt) {
      const closedAt = Date.parse(previous.closedAt);
      if (now.getTime() < closedAt + config.cooldownDays * DAY_MS) {
        plan.suppressed.push({ dedupeKey: candidate.dedupeKey, reason: 'cooldown' });
        continue;
      }
      const newer = Date.parse(candidate.evidenceAsOf) > closedAt;
      if (!newer || candidate.evidenceFingerprint === previous.evidenceFingerprint) {
        plan.suppressed.push({ dedupeKey: candidate.dedupeKey, reason: 'evidence_not_new' });
        continue;
      }
    }
    if (budget <= 0) {
      plan.suppressed.push({ dedupeKey: candidate.dedupeKey, reason: 'cap' });
      continue;
    }
    budget--;
    plan.create.push(candidate);
  }
  return plan;
}
