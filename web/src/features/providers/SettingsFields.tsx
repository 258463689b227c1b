import { PROVIDER_CATALOG, PROVIDERS } from '../../../../shared/contracts/index.ts';
import type { ModelCatalogueView } from '../../../../shared/contracts/model-catalogue.ts';
import { judgeCostPer1000 } from '../../../../shared/domain/judge-settings.ts';
import type { FieldErrors } from '../../api/errors.ts';
import { CheckboxField, messagesUnder, SelectField, TextField } from '../../components/forms.tsx';
import { providerOffer } from './model-offer.ts';
import { useModelCatalogue } from './models-api.ts';
import {
  type DayOfWeek,
  type RunSettingsDraft,
  type ScheduleKind,
  SPEND_CAP_FIELDS,
  type SpendCapsDraft,
} from './settings-draft.ts';

/** Select options for a provider's models: deprecated ones say when they retire; a stored model no longer offered
 * stays visible (marked) so the form shows the truth instead of silently showing another model. */
export function modelOptions(catalogue: ModelCatalogueView, provider: keyof typeof PROVIDER_CATALOG, current: string) {
  const offer = providerOffer(catalogue, provider);
  const options = offer.models.map((m) => ({
    value: m.id,
    label:
      m.status === 'deprecated'
        ? `${m.id} — deprecated, retires ${m.retiresOn}${m.successor ? ` (use ${m.successor})` : ''}`
        : m.id,
  }));
  if (current && !options.some((o) => o.value === current)) {
    options.unshift({ value: current, label: `${current} — retired or not offered, choose another` });
  }
  if (!current) options.unshift({ value: '', label: 'Choose a model' });
  return options;
}

const SURFACE_LABEL = { api: 'API (model knowledge only)', api_web_search: 'API with web search' } as const;
const DAYS: { value: DayOfWeek; label: string }[] = [
  { value: 'mon', label: 'Monday' },
  { value: 'tue', label: 'Tuesday' },
  { value: 'wed', label: 'Wednesday' },
  { value: 'thu', label: 'Thursday' },
  { value: 'fri', label: 'Friday' },
  { value: 'sat', label: 'Saturday' },
  { value: 'sun', label: 'Sunday' },
];
const SCHEDULES: { value: ScheduleKind; label: string }[] = [
  { value: 'daily', label: 'Daily' },
  { value: 'weekly', label: 'Weekly' },
  { value: 'cron', label: 'Custom (cron)' },
  { value: 'manual', label: 'Manual only' },
];

const TIME_ZONES: string[] = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];

export function RunSettingsFields({
  draft,
  onChange,
  errors,
}: {
  draft: RunSettingsDraft;
  onChange: (draft: RunSettingsDraft) => void;
  errors: FieldErrors;
}) {
  const scheduleErrors = (field: string) => messagesUnder(errors, `schedule.${field}`);
  const catalogue = useModelCatalogue();
  return (
    <div className="stack">
      <fieldset className="subfieldset">
        <legend>AI providers</legend>
        <p className="field-hint">Each tracked prompt is asked to every selected provider.</p>
        <ul className="rows">
          {draft.providers.map((p, i) => {
            const entry = PROVIDER_CATALOG[p.provider];
            const update = (patch: Partial<typeof p>) =>
              onChange({ ...draft, providers: draft.providers.map((x, j) => (j === i ? { ...x, ...patch } : x)) });
            return (
              <li key={p.provider} className="row provider-row">
                <CheckboxField label={entry.label} checked={p.selected} onChange={(selected) => update({ selected })} />
                {p.selected ? (
                  <>
                    <SelectField
                      label={`${entry.label} model`}
                      value={p.model}
                      options={modelOptions(catalogue, p.provider, p.model)}
                      onChange={(model) => {
                        const offered = providerOffer(catalogue, p.provider).models.find((m) => m.id === model);
                        // Keep the surface when the new model supports it, else take its first one.
                        const surface =
                          offered && !offered.surfaces.includes(p.surface)
                            ? (entry.surfaces.find((s) => offered.surfaces.includes(s)) ?? p.surface)
                            : p.surface;
                        update({ model, surface });
                      }}
                    />
                    <SelectField
                      label={`${entry.label} surface`}
                      value={p.surface}
                      options={entry.surfaces.map((s) => ({ value: s, label: SURFACE_LABEL[s] }))}
                      onChange={(surface) => update({ surface })}
                    />
                  </>
                ) : null}
              </li>
            );
          })}
        </ul>
        {messagesUnder(errors, 'providers').length ? (
          <p className="field-error">{messagesUnder(errors, 'providers').join(' · ')}</p>
        ) : null}
      </fieldset>
      <JudgeFields draft={draft} onChange={onChange} errors={errors} catalogue={catalogue} />
      <TextField
        label="Samples per prompt"
        type="number"
        min={1}
        max={10}
        value={draft.samplesPerPrompt}
        onChange={(samplesPerPrompt) => onChange({ ...draft, samplesPerPrompt })}
        errors={messagesUnder(errors, 'samplesPerPrompt')}
        hint="Answers vary: several samples per prompt give honest rates (1–10)."
      />
      <fieldset className="subfieldset">
        <legend>Schedule</legend>
        <div className="form-grid form-grid--cols">
          <SelectField
            label="Run schedule"
            value={draft.scheduleKind}
            options={SCHEDULES}
            onChange={(scheduleKind) => onChange({ ...draft, scheduleKind })}
          />
          {draft.scheduleKind === 'weekly' ? (
            <SelectField
              label="Day of week"
              value={draft.dayOfWeek}
              options={DAYS}
              onChange={(dayOfWeek) => onChange({ ...draft, dayOfWeek })}
              errors={scheduleErrors('dayOfWeek')}
            />
          ) : null}
          {draft.scheduleKind === 'daily' || draft.scheduleKind === 'weekly' ? (
            <TextField
              label="Time of day"
              type="time"
              value={draft.time}
              onChange={(time) => onChange({ ...draft, time })}
              errors={scheduleErrors('time')}
            />
          ) : null}
          {draft.scheduleKind === 'cron' ? (
            <TextField
              label="Cron expression"
              value={draft.expression}
              onChange={(expression) => onChange({ ...draft, expression })}
              errors={scheduleErrors('expression')}
              hint="5 fields: minute hour day-of-month month day-of-week, e.g. 0 9 * * 1-5"
            />
          ) : null}
          {draft.scheduleKind !== 'manual' ? (
            <TextField
              label="Time zone"
              value={draft.timeZone}
              list="pp-time-zones"
              onChange={(timeZone) => onChange({ ...draft, timeZone })}
              errors={scheduleErrors('timeZone')}
              hint="IANA name, e.g. Europe/Berlin"
            />
          ) : null}
        </div>
        {errors['schedule'] ? <p className="field-error">{errors['schedule']}</p> : null}
        <datalist id="pp-time-zones">
          {TIME_ZONES.map((tz) => (
            <option key={tz} value={tz} />
          ))}
        </datalist>
      </fieldset>
    </div>
  );
}

/**
 * The opt-in LLM sentiment judge: off by default; when on, its list-price cost per 1,000 judged answers is shown
 * beside the choice (only answers with a low-confidence per-brand verdict are sent, and every call counts against
 * the spend caps).
 */
function JudgeFields({
  draft,
  onChange,
  errors,
  catalogue,
}: {
  draft: RunSettingsDraft;
  onChange: (draft: RunSettingsDraft) => void;
  errors: FieldErrors;
  catalogue: ModelCatalogueView;
}) {
  const judge = draft.judge;
  const update = (patch: Partial<typeof judge>) => onChange({ ...draft, judge: { ...judge, ...patch } });
  const per1000 = judge.enabled ? judgeCostPer1000(judge) : null;
  return (
    <fieldset className="subfieldset">
      <legend>Sentiment judge (optional)</legend>
      <CheckboxField
        label="Ask an AI model to re-rate per-brand sentiment the rules are unsure about"
        checked={judge.enabled}
        onChange={(enabled) => update({ enabled })}
        hint="Off by default. Only answers with a low-confidence brand verdict are sent; each call is billed by the provider and counts against your spend caps."
      />
      {judge.enabled ? (
        <div className="form-grid form-grid--cols">
          <SelectField
            label="Judge provider"
            value={judge.provider}
            options={PROVIDERS.filter((p) => PROVIDER_CATALOG[p].surfaces.includes('api')).map((p) => ({
              value: p,
              label: PROVIDER_CATALOG[p].label,
            }))}
            onChange={(provider) => update({ provider, model: providerOffer(catalogue, provider).defaultModel ?? '' })}
          />
          <SelectField
            label="Judge model"
            value={judge.model}
            options={modelOptions(catalogue, judge.provider, judge.model)}
            onChange={(model) => update({ model })}
            errors={messagesUnder(errors, 'sentimentJudge')}
          />
        </div>
      ) : null}
      {judge.enabled ? (
        <p className="field-hint" role="status">
          {per1000 === null
            ? 'This model has no list price: choose another so its cost can be counted.'
            : `Cost: about $${per1000.toFixed(2)} per 1,000 judged answers at list prices (about 900 tokens in, 150 out each).`}
        </p>
      ) : null}
    </fieldset>
  );
}

export function SpendCapsFields({
  draft,
  onChange,
  errors,
}: {
  draft: SpendCapsDraft;
  onChange: (draft: SpendCapsDraft) => void;
  errors: FieldErrors;
}) {
  return (
    <div className="form-grid form-grid--cols">
      {SPEND_CAP_FIELDS.map(({ key, label, hint }) => (
        <TextField
          key={key}
          label={label}
          type="number"
          min={0}
          step={key.startsWith('usd') ? 'any' : 1}
          value={draft[key]}
          onChange={(value) => onChange({ ...draft, [key]: value })}
          errors={messagesUnder(errors, key)}
          hint={hint || undefined}
        />
      ))}
    </div>
  );
}

export function describeSchedule(draft: RunSettingsDraft): string {
  switch (draft.scheduleKind) {
    case 'manual':
      return 'Manual runs only';
    case 'daily':
      return `Daily at ${draft.time} (${draft.timeZone})`;
    case 'weekly':
      return `Weekly on ${DAYS.find((d) => d.value === draft.dayOfWeek)?.label ?? draft.dayOfWeek} at ${draft.time} (${draft.timeZone})`;
    case 'cron':
      return `Cron “${draft.expression}” (${draft.timeZone})`;
  }
}
