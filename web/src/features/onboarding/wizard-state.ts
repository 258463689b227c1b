import type { Brand } from '../../../../shared/contracts/index.ts';
import type { FieldErrors } from '../../api/errors.ts';
import { type BrandDraft, emptyBrandDraft } from '../brands/brand-draft.ts';
import type { PromptDraft, SuggestionDraft } from '../prompt-sets/prompt-draft.ts';
import { defaultRunSettingsDraft, type RunSettingsDraft, type SpendCapsDraft } from '../providers/settings-draft.ts';

export const STEPS = [
  { id: 'workspace', title: 'Workspace' },
  { id: 'brand', title: 'Brand' },
  { id: 'competitors', title: 'Competitors' },
  { id: 'topics', title: 'Topics' },
  { id: 'prompts', title: 'Prompts' },
  { id: 'providers', title: 'Providers & budget' },
  { id: 'review', title: 'Review' },
] as const;
export type StepId = (typeof STEPS)[number]['id'];

/** The finishing tasks, in order; each remembers what it saved so a retry resumes where it failed. */
export type TaskId = 'brand' | 'promptSet' | 'runSettings' | 'spendCaps';
export type TaskStatus = 'pending' | 'running' | 'done' | 'failed';

export interface WizardState {
  step: StepId;
  /** Furthest step reached: the step list lets users jump back, never ahead. */
  reached: number;
  brand: BrandDraft;
  /** The brand as saved (created once, then updated): a retry never creates it twice. */
  savedBrand: Brand | null;
  /** JSON of the brand input last saved, to skip an unchanged update. */
  savedBrandJson: string | null;
  prompts: PromptDraft[];
  suggestions: SuggestionDraft[];
  note: string;
  /** JSON of the prompt set last saved and the version it created. */
  savedPrompts: { json: string; version: number } | null;
  run: RunSettingsDraft;
  savedRunJson: string | null;
  caps: SpendCapsDraft | null;
  savedCapsJson: string | null;
  tasks: Record<TaskId, TaskStatus>;
  /** Server-side field errors, per step, from the last save. */
  serverErrors: Partial<Record<StepId, FieldErrors>>;
}

export function initialWizardState(firstStep: StepId): WizardState {
  return {
    step: firstStep,
    reached: STEPS.findIndex((s) => s.id === firstStep),
    brand: emptyBrandDraft(),
    savedBrand: null,
    savedBrandJson: null,
    prompts: [],
    suggestions: [],
    note: 'Initial prompt set',
    savedPrompts: null,
    run: defaultRunSettingsDraft(),
    savedRunJson: null,
    caps: null,
    savedCapsJson: null,
    tasks: { brand: 'pending', promptSet: 'pending', runSettings: 'pending', spendCaps: 'pending' },
    serverErrors: {},
  };
}

const storageKey = (workspaceId: string, mode: string) => `promptpulse.setup.${workspaceId}.${mode}`;

/** The draft survives a reload of the tab (sessionStorage), so nothing typed is lost. */
export function loadWizardState(workspaceId: string, mode: string): WizardState | null {
  try {
    const raw = window.sessionStorage.getItem(storageKey(workspaceId, mode));
    if (!raw) return null;
    const state = JSON.parse(raw) as WizardState;
    // A task interrupted mid-flight is retried from scratch.
    for (const task of Object.keys(state.tasks) as TaskId[]) {
      if (state.tasks[task] === 'running') state.tasks[task] = 'pending';
    }
    return state;
  } catch {
    return null;
  }
}

export function saveWizardState(workspaceId: string, mode: string, state: WizardState): void {
  try {
    window.sessionStorage.setItem(storageKey(workspaceId, mode), JSON.stringify(state));
  } catch {
    // Storage full or disabled: the wizard still works for this page.
  }
}

export function clearWizardState(workspaceId: string, mode: string): void {
  try {
    window.sessionStorage.removeItem(storageKey(workspaceId, mode));
  } catch {
    // ignore
  }
}

/** Which step owns a brand error path. */
export function stepForBrandPath(path: string): StepId {
  if (path.startsWith('competitors')) return 'competitors';
  if (path.startsWith('topics')) return 'topics';
  return 'brand';
}
