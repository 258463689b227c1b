import { describe, expect, it } from 'vitest';
import { rejudgeReason } from '../../../functions/handlers/reanalysis/rejudge.ts';
import type { ActionCandidate } from '../../../shared/actions/engine.ts';
import { evidenceChanges } from '../../../shared/actions/evidence-check.ts';
import type { Action } from '../../../shared/contracts/actions.ts';
import type { Brand } from '../../../shared/contracts/brands.ts';
import type { TenantId } from '../../../shared/domain/workspace.ts';
import type { ActionBusEvent } from '../../../shared/ports/actions.ts';
import { DEFAULT_ACTION_SETTINGS, type EngineRunDeps, runActionEngine } from '../../../shared/use-cases/actions.ts';

// Actions re-judged once a brand's history was re-scored: evidence the corrected series no longer shows is said so.
const TENANT = 'ws_01aaaaaaaaaaaaaaaaaaaaaaaa' as TenantId;
const BRAND = 'brd_01bbbbbbbbbbbbbbbbbbbbbbbb';
const AT = '2026-11-25T12:00:00.000Z';
const REASON = { reason: 'The brand’s answers were re-scored; this finding no longer holds.' };

const action = (over: Partial<Action> = {}): Action => ({
  id: 'act_01dddddddddddddddddddddddd',
  brandId: BRAND,
  type: 'competitor_gap',
  dedupeKey: 'competitor_gap|cmp_1|provider=openai',
  title: 'Gap',
  rationale: 'r',
  evidence: { figures: [], prompts: [], answers: [], posts: [], domains: [] },
  evidenceAsOf: '2026-11-01T00:00:00.000Z',
  evidenceFingerprint: 'f1',
  target: { metric: 'mentionRate', entityId: BRAND, goal: 'up', filter: {}, label: 'rate' },
  expectedImpact: { summary: 's', score: 0.3 },
  confidence: { level: 'high', score: 0.7, n: 100 },
  urgency: 'medium',
  priority: 50,
  status: 'open',
  owner: null,
  dueDate: null,
  dismissReason: null,
  comments: [],
  outcome: null,
  createdAt: '2026-11-01T00:00:00.000Z',
  updatedAt: '2026-11-01T00:00:00.000Z',
  closedAt: null,
  refreshCount: 0,
  version: 1,
  ...over,
});

const candidateOf = (a: Action, fingerprint = a.evidenceFingerprint): ActionCandidate => ({
  type: a.type,
  dedupeKey: a.dedupeKey,
  title: a.title,
  rationale: a.rationale,
  evidence: a.evidence,
  evidenceAsOf: a.evidenceAsOf,
  evidenceFingerprint: fingerprint,
  target: a.target,
  expectedImpact: a.expectedImpact,
  confidence: a.confidence,
  urgency: a.urgency,
  priority: a.priority,
});

describe('evidence checks after a re-scoring', () => {
  it('marks open actions resting on answers that the engine no longer proposes, once', () => {
    const gone = action();
    const kept = action({ id: 'act_01eeeeeeeeeeeeeeeeeeeeeeee', dedupeKey: 'content_gap|provider=openai' });
    const social = action({ id: 'act_01ffffffffffffffffffffffff', dedupeKey: 'negative_sentiment|signal|sentiment' });
    const done = action({ id: 'act_01gggggggggggggggggggggggg', dedupeKey: 'owned|x', status: 'done' });
    const already = action({
      id: 'act_01hhhhhhhhhhhhhhhhhhhhhhhh',
      dedupeKey: 'source_opportunity|x',
      evidenceLapsed: { at: AT, reason: 'earlier' },
    });
    const changes = evidenceChanges([candidateOf(kept)], [gone, kept, social, done, already], AT, REASON);
    expect(changes).toEqual([
      {
        change: 'evidence_lapsed',
        action: { ...gone, evidenceLapsed: { at: AT, reason: REASON.reason }, updatedAt: AT, version: 2 },
      },
    ]);
    // An ordinary run marks nothing: only a re-scoring says the evidence went away.
    expect(evidenceChanges([], [gone], AT, null)).toEqual([]);
  });

  it('clears the mark when the evidence is found again', () => {
    const lapsed = action({ evidenceLapsed: { at: AT, reason: 'x' }, version: 3 });
    expect(evidenceChanges([candidateOf(lapsed)], [lapsed], AT, null)).toEqual([
      { change: 'evidence_restored', action: { ...lapsed, evidenceLapsed: null, updatedAt: AT, version: 4 } },
    ]);
    // With changed evidence the ordinary refresh writes it (and clears the mark): nothing here.
    expect(evidenceChanges([candidateOf(lapsed, 'f2')], [lapsed], AT, REASON)).toEqual([]);
  });

  it('runs as part of the engine: the lapsed action is stored and announced; the reason names the re-scoring', async () => {
    const stored = [action()];
    const updates: Action[] = [];
    const published: ActionBusEvent[] = [];
    const brand = { id: BRAND, name: 'Acme', competitors: [], topics: [], aliases: [], ownedDomains: [] } as unknown;
    const deps: EngineRunDeps = {
      actions: {
        listForBrand: async () => stored,
        listAll: async () => stored,
        get: async () => null,
        create: async () => {},
        update: async (_t, a) => void updates.push(a),
        listSync: async () => [],
        putSync: async () => {},
      },
      bus: { publish: async (events) => void published.push(...events) },
      workspaces: {} as EngineRunDeps['workspaces'],
      rollups: { readCells: async () => [] } as unknown as EngineRunDeps['rollups'],
      brands: {
        getBrand: async () => brand as Brand,
        getPromptSetVersion: async () => null,
      } as unknown as EngineRunDeps['brands'],
      runs: { listRuns: async () => ({ items: [], nextCursor: null }) } as unknown as EngineRunDeps['runs'],
      clock: { now: () => new Date(AT) },
      ids: { next: () => '01CCCCCCCCCCCCCCCCCCCCCCCC' },
      settings: DEFAULT_ACTION_SETTINGS,
    };
    await runActionEngine(deps, TENANT, BRAND);
    expect(updates).toHaveLength(0);
    const reason = rejudgeReason({
      trigger: 'configuration',
      configuredAt: '2026-11-24T09:30:00.000Z',
      analyzerVersion: '2026.12.0',
      status: 'succeeded',
    });
    expect(reason).toContain('brand settings saved 2026-11-24 09:30 UTC');
    const result = await runActionEngine(deps, TENANT, BRAND, { rejudge: { reason } });
    expect(result.created).toBe(0);
    expect(updates).toEqual([expect.objectContaining({ id: stored[0]?.id, evidenceLapsed: { at: AT, reason } })]);
    expect(published.map((e) => [e.type, e.detail.change])).toContainEqual([
      'promptpulse.action.updated',
      'evidence_lapsed',
    ]);
  });
});
