import {
  PROVIDER_CATALOG,
  PROVIDERS,
  type ProviderId,
  type RunSettings,
  type RunSettingsInput,
  RunSettingsInputSchema,
  type SpendCaps,
  SpendCapsSchema,
  timeZoneSchema,
} from '../../../../shared/contracts/index.ts';
import type { ModelCatalogueView } from '../../../../shared/contracts/model-catalogue.ts';
import { judgeCostPer1000 } from '../../../../shared/domain/judge-settings.ts';
import { type FieldErrors, fieldErrorsFrom } from '../../api/errors.ts';
import { baselineCatalogueView, providerOffer } from './model-offer.ts';

type Surface = 'api' | 'api_web_search';
export type ScheduleKind = 'manual' | 'daily' | 'weekly' | 'cron';
export type DayOfWeek = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';

export interface ProviderDraft {
  provider: ProviderId;
  selected: boolean;
  model: string;
  surface: Surface;
}

/** The opt-in LLM sentiment judge: off unless `enabled`; provider and model are kept while off. */
export interface JudgeDraft {
  enabled: boolean;
  provider: ProviderId;
  model: string;
}

export interface RunSettingsDraft {
  providers: ProviderDraft[];
  judge: JudgeDraft;
  samplesPerPrompt: string;
  scheduleKind: ScheduleKind;
  time: string;
  dayOfWeek: DayOfWeek;
  expression: string;
  timeZone: string;
}

/** The browser's time zone when the contract knows it, else UTC. */
export function browserTimeZone(): string {
  const tz = Intl.DateTimeFormat().resolvedOptions().timeZone;
  return tz && timeZoneSchema.safeParse(tz).success ? tz : 'UTC';
}

/** A provider's default: the catalogue's default model (never a deprecated one; '' when none is available). */
function defaultProvider(provider: ProviderId, selected: boolean, catalogue: ModelCatalogueView): ProviderDraft {
  const offer = providerOffer(catalogue, provider);
  const surfaces = PROVIDER_CATALOG[provider].surfaces;
  const model = offer.models.find((m) => m.id === offer.defaultModel);
  const surface = surfaces.find((s) => model?.surfaces.includes(s)) ?? surfaces[0] ?? 'api';
  return { provider, selected, model: offer.defaultModel ?? '', surface };
}

export function defaultRunSettingsDraft(catalogue: ModelCatalogueView = baselineCatalogueView()): RunSettingsDraft {
  return {
    providers: PROVIDERS.map((p) => defaultProvider(p, p === 'openai', catalogue)),
    judge: { enabled: false, provider: 'openai', model: defaultProvider('openai', false, catalogue).model },
    samplesPerPrompt: '3',
    scheduleKind: 'daily',
    time: '09:00',
    dayOfWeek: 'mon',
    expression: '0 9 * * 1-5',
    timeZone: browserTimeZone(),
  };
}

export function runSettingsToDraft(
  settings: RunSettings,
  catalogue: ModelCatalogueView = baselineCatalogueView(),
): RunSettingsDraft {
  const base = defaultRunSettingsDraft(catalogue);
  const providers = PROVIDERS.map((p) => {
    const saved = settings.providers.find((s) => s.provider === p);
    return saved
      ? { provider: p, selected: saved.enabled, model: saved.model, surface: saved.surface }
      : defaultProvider(p, false, catalogue);
  });
  const s = settings.schedule;
  const judge = settings.sentimentJudge;
  return {
    providers,
    judge: judge ? { enabled: true, provider: judge.provider, model: judge.model } : base.judge,
    samplesPerPrompt: String(settings.samplesPerPrompt),
    scheduleKind: s.kind,
    time: s.kind === 'daily' || s.kind === 'weekly' ? s.time : base.time,
    dayOfWeek: s.kind === 'weekly' ? s.dayOfWeek : base.dayOfWeek,
    expression: s.kind === 'cron' ? s.expression : base.expression,
    timeZone: s.kind === 'manual' ? base.timeZone : s.timeZone,
  };
}

export function draftToRunSettingsInput(draft: RunSettingsDraft): RunSettingsInput {
  const schedule: RunSettingsInput['schedule'] =
    draft.scheduleKind === 'manual'
      ? { kind: 'manual' }
      : draft.scheduleKind === 'daily'
        ? { kind: 'daily', time: draft.time, timeZone: draft.timeZone.trim() }
        : draft.scheduleKind === 'weekly'
          ? { kind: 'weekly', dayOfWeek: draft.dayOfWeek, time: draft.time, timeZone: draft.timeZone.trim() }
          : { kind: 'cron', expression: draft.expression, timeZone: draft.timeZone.trim() };
  return {
    providers: draft.providers
      .filter((p) => p.selected)
      .map((p) => ({ provider: p.provider, model: p.model, surface: p.surface, enabled: true })),
    samplesPerPrompt: Number(draft.samplesPerPrompt),
    schedule,
    sentimentJudge: draft.judge.enabled ? { provider: draft.judge.provider, model: draft.judge.model } : null,
  };
}

export function validateRunSettings(
  draft: RunSettingsDraft,
  catalogue: ModelCatalogueView = baselineCatalogueView(),
): FieldErrors {
  const errors: FieldErrors = {};
  const parsed = RunSettingsInputSchema.safeParse(draftToRunSettingsInput(draft));
  if (!parsed.success) Object.assign(errors, fieldErrorsFrom(parsed.error.issues));
  const notOffered = draft.providers.filter(
    (p) => p.selected && !providerOffer(catalogue, p.provider).models.some((m) => m.id === p.model),
  );
  if (notOffered.length > 0) {
    errors['providers'] ??=
      `choose a model that is offered: ${notOffered.map((p) => p.model || p.provider).join(', ')}`;
  }
  if (!draft.providers.some((p) => p.selected)) errors['providers'] ??= 'choose at least one provider';
  if (draft.judge.enabled && !judgeCostPer1000(draft.judge)) {
    errors['sentimentJudge.model'] ??= 'choose a priced model, so its cost can be counted against the spend caps';
  }
  return errors;
}

export type SpendCapsDraft = Record<keyof SpendCaps, string>;

export const SPEND_CAP_FIELDS: readonly { key: keyof SpendCaps; label: string; hint: string }[] = [
  { key: 'callsPerDay', label: 'AI calls per day', hint: 'Prompt × provider × sample, each counts once.' },
  { key: 'callsPerMonth', label: 'AI calls per month', hint: '' },
  { key: 'tokensPerDay', label: 'Tokens per day', hint: 'Input plus output tokens.' },
  { key: 'tokensPerMonth', label: 'Tokens per month', hint: '' },
  { key: 'usdPerDay', label: 'USD per day', hint: 'Estimated from provider list prices.' },
  { key: 'usdPerMonth', label: 'USD per month', hint: '' },
];

export function capsToDraft(caps: SpendCaps): SpendCapsDraft {
  return Object.fromEntries(SPEND_CAP_FIELDS.map(({ key }) => [key, String(caps[key])])) as SpendCapsDraft;
}

export function draftToCaps(draft: SpendCapsDraft): Record<keyof SpendCaps, number> {
  return Object.fromEntries(
    SPEND_CAP_FIELDS.map(({ key }) => [key, draft[key].trim() === '' ? Number.NaN : Number(draft[key])]),
  ) as Record<keyof SpendCaps, number>;
}

export function validateCaps(draft: SpendCapsDraft): FieldErrors {
  const parsed = SpendCapsSchema.safeParse(draftToCaps(draft));
  return parsed.success ? {} : fieldErrorsFrom(parsed.error.issues);
}
