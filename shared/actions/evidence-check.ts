/**
 * Whether an open action's evidence still holds once the brand's history was re-scored (re-analysis, docs/analysis.md
 * "Re-analysis"). The engine is stateless: on the corrected series it simply no longer proposes an action whose
 * finding went away. Such an action is not closed behind anyone's back (a person may be working on it); it is marked
 * `evidenceLapsed` with the reason, and the mark is cleared when a later evaluation finds the evidence again.
 */
import type { Action } from '../contracts/actions.ts';
import type { ActionCandidate } from './engine.ts';

/** Actions raised from social-signal alerts (not from the answers): a re-scoring of answers says nothing about them. */
export function restsOnAnswers(action: Pick<Action, 'dedupeKey'>): boolean {
  return !action.dedupeKey.includes('|signal|');
}

const isOpen = (a: Action) => a.status === 'open' || a.status === 'in_progress';

export interface EvidenceChange {
  action: Action;
  change: 'evidence_lapsed' | 'evidence_restored';
}

/**
 * The writes a re-judge implies (pure): open actions resting on answers that no candidate proposes any more are
 * marked lapsed (once: an already lapsed action is left alone); lapsed ones a candidate proposes again with unchanged
 * evidence are cleared (a changed evidence is refreshed by the ordinary update, which clears the mark too). Without
 * `rejudge` (an ordinary run) nothing is marked, only cleared.
 */
export function evidenceChanges(
  candidates: readonly ActionCandidate[],
  existing: readonly Action[],
  at: string,
  rejudge: { reason: string } | null,
): EvidenceChange[] {
  const proposed = new Map(candidates.map((c) => [c.dedupeKey, c] as const));
  const out: EvidenceChange[] = [];
  for (const action of existing) {
    if (!isOpen(action)) continue;
    const candidate = proposed.get(action.dedupeKey);
    if (candidate) {
      if (action.evidenceLapsed && candidate.evidenceFingerprint === action.evidenceFingerprint) {
        out.push({ action: next(action, at, null), change: 'evidence_restored' });
      }
      continue;
    }
    if (rejudge && !action.evidenceLapsed && restsOnAnswers(action)) {
      out.push({ action: next(action, at, { at, reason: rejudge.reason }), change: 'evidence_lapsed' });
    }
  }
  return out;
}

function next(action: Action, at: string, evidenceLapsed: Action['evidenceLapsed']): Action {
  return { ...action, evidenceLapsed, updatedAt: at, version: action.version + 1 };
}
