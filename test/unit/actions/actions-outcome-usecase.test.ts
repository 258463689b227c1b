import { describe, expect, it } from 'vitest';
import type { Action } from '../../../shared/contracts/actions.ts';
import { PreconditionFailedError } from '../../../shared/domain/errors.ts';
import type { TenantPrincipal } from '../../../shared/domain/principal.ts';
import type { TenantId } from '../../../shared/domain/workspace.ts';
import type { ActionBusEvent, ActionRepository } from '../../../shared/ports/actions.ts';
import type { RollupCell } from '../../../shared/ports/rollups.ts';
import {
  type ActionDeps,
  DEFAULT_ACTION_SETTINGS,
  evaluateDueOutcomes,
  listActions,
  patchAction,
} from '../../../shared/use-cases/actions.ts';

const TENANT = 'ws_01aaaaaaaaaaaaaaaaaaaaaaaa' as TenantId;
const BRAND = 'brd_01bbbbbbbbbbbbbbbbbbbbbbbb';

class MemoryActions implements ActionRepository {
  readonly items = new Map<string, Action>();
  async listForBrand(_t: TenantId, brandId: string) {
    return [...this.items.values()].filter((a) => a.brandId === brandId);
  }
  async listAll() {
    return [...this.items.values()];
  }
  async get(_t: TenantId, id: string) {
    return this.items.get(id) ?? null;
  }
  async create(_t: TenantId, a: Action, _audit?: unknown) {
    this.items.set(a.id, a);
  }
  async update(_t: TenantId, a: Action, _audit?: unknown) {
    if (this.items.get(a.id)?.version !== a.version - 1) throw new PreconditionFailedError('stale');
    this.items.set(a.id, a);
  }
  async listSync() {
    return [];
  }
  async putSync() {}
}

/** Day cells with `n` answers of which `k` mention the brand (the target's scope: non-branded, openai). */
function cellsFor(days: Record<string, [number, number]>): RollupCell[] {
  return Object.entries(days).map(([day, [n, k]]) => ({
    period: day,
    dims: { day, promptSetVersion: 1, provider: 'openai', surface: 'api', topic: 'none', branded: false },
    counters: { n, nNB: n, [`e#${BRAND}#m`]: k },
  }));
}

function setup(cells: RollupCell[], start: string) {
  let now = new Date(start);
  const actions = new MemoryActions();
  const published: ActionBusEvent[] = [];
  let id = 0;
  const deps: ActionDeps = {
    actions,
    bus: { publish: async (events) => void published.push(...events) },
    workspaces: { getMember: async () => null } as unknown as ActionDeps['workspaces'],
    rollups: {
      readCells: async (_t: string, _b: string, from: string, to: string) =>
        cells.filter((c) => c.dims.day >= from && c.dims.day <= to),
    } as unknown as ActionDeps['rollups'],
    clock: { now: () => now },
    ids: { next: () => `01CCCCCCCCCCCCCCCCCCCCCC${String(++id).padStart(2, '0')}` },
    settings: {
      ...DEFAULT_ACTION_SETTINGS,
      outcome: { ...DEFAULT_ACTION_SETTINGS.outcome, beforeDays: 3, afterDays: 3 },
    },
  };
  return { deps, actions, published, advance: (iso: string) => (now = new Date(iso)) };
}

const action = (over: Partial<Action> = {}): Action => ({
  id: 'act_01dddddddddddddddddddddddd',
  brandId: BRAND,
  type: 'content_gap',
  dedupeKey: 'content_gap|provider=openai',
  title: 'Gap on openai',
  rationale: 'r',
  evidence: { figures: [], prompts: [], answers: [], posts: [], domains: [] },
  evidenceAsOf: '2026-11-01T00:00:00.000Z',
  evidenceFingerprint: 'f',
  target: {
    metric: 'mentionRate',
    entityId: BRAND,
    goal: 'up',
    filter: { provider: 'openai', branded: false },
    label: 'rate',
  },
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

const analyst: TenantPrincipal = {
  userId: 'u1',
  email: 'a@x',
  tenantId: TENANT,
  claimedRole: 'analyst',
  role: 'analyst',
};

describe('outcome tracking through the use cases (configurable windows)', () => {
  it('done plans the windows; after the after-window the target is judged effective by the noise test', async () => {
    // Before: 10% of 100 answers a day; after: 40%.
    const cells = cellsFor({
      '2026-11-07': [100, 10],
      '2026-11-08': [100, 10],
      '2026-11-09': [100, 10],
      '2026-11-10': [100, 40],
      '2026-11-11': [100, 40],
      '2026-11-12': [100, 40],
    });
    const { deps, actions, published, advance } = setup(cells, '2026-11-10T09:00:00.000Z');
    await actions.create(TENANT, action(), null);
    const done = await patchAction(deps, analyst, 'act_01dddddddddddddddddddddddd', 1, { status: 'done' });
    expect(done.outcome).toMatchObject({
      status: 'pending',
      before: { from: '2026-11-07', to: '2026-11-09' },
      after: { from: '2026-11-10', to: '2026-11-12' },
    });
    expect(published.at(-1)?.type).toBe('promptpulse.action.updated');

    // Not yet due: nothing is decided.
    advance('2026-11-12T12:00:00.000Z');
    expect(await evaluateDueOutcomes(deps, TENANT)).toEqual([]);
    // Due: effective, stored, and published.
    advance('2026-11-13T00:00:01.000Z');
    const events = await evaluateDueOutcomes(deps, TENANT);
    expect(events).toHaveLength(1);
    const stored = await actions.get(TENANT, 'act_01dddddddddddddddddddddddd');
    expect(stored?.outcome?.status).toBe('effective');
    expect(stored?.outcome?.beforeValue?.n).toBe(300);
    expect(stored?.outcome?.afterValue?.value).toBeCloseTo(0.4);
    // Decided once: a second pass changes nothing.
    expect(await evaluateDueOutcomes(deps, TENANT)).toEqual([]);
  });

  it('a change inside the noise with little data is inconclusive', async () => {
    const cells = cellsFor({ '2026-11-09': [6, 1], '2026-11-10': [6, 2] });
    const { deps, actions, advance } = setup(cells, '2026-11-10T09:00:00.000Z');
    await actions.create(TENANT, action(), null);
    await patchAction(deps, analyst, 'act_01dddddddddddddddddddddddd', 1, { status: 'done' });
    advance('2026-11-20T00:00:00.000Z');
    await evaluateDueOutcomes(deps, TENANT);
    expect((await actions.get(TENANT, 'act_01dddddddddddddddddddddddd'))?.outcome?.status).toBe('inconclusive');
  });

  it('lifecycle rules: stale If-Match is refused, a closed action is final, lists page with a cursor', async () => {
    const { deps, actions } = setup([], '2026-11-10T09:00:00.000Z');
    for (let i = 0; i < 5; i++) {
      await actions.create(
        TENANT,
        action({ id: `act_01eeeeeeeeeeeeeeeeeeeeeee${i}`, priority: 10 * i, dedupeKey: `k${i}` }),
        null,
      );
    }
    await expect(
      patchAction(deps, analyst, 'act_01eeeeeeeeeeeeeeeeeeeeeee0', 7, { status: 'in_progress' }),
    ).rejects.toBeInstanceOf(PreconditionFailedError);
    await patchAction(deps, analyst, 'act_01eeeeeeeeeeeeeeeeeeeeeee0', 1, { status: 'dismissed', dismissReason: 'no' });
    await expect(
      patchAction(deps, analyst, 'act_01eeeeeeeeeeeeeeeeeeeeeee0', 2, { status: 'open' }),
    ).rejects.toMatchObject({
      code: 'invalid_transition',
    });
    const first = await listActions(deps, analyst, { sort: 'priority', limit: 2 });
    expect(first.items.map((a) => a.priority)).toEqual([40, 30]);
    const second = await listActions(deps, analyst, { sort: 'priority', limit: 2, cursor: first.nextCursor ?? '' });
    expect(second.items.map((a) => a.priority)).toEqual([20, 10]);
    const third = await listActions(deps, analyst, { sort: 'priority', limit: 2, cursor: second.nextCursor ?? '' });
    // The dismissed one sorts after open work.
    expect(third.items.map((a) => a.status)).toEqual(['dismissed']);
    expect(third.nextCursor).toBeNull();
    await expect(listActions(deps, analyst, { sort: 'priority', limit: 2, cursor: '%%%' })).rejects.toMatchObject({
      code: 'invalid_cursor',
    });
  });
});
