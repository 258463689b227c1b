/** The Analytics filter bar: period, provider, surface, topic, prompt-set version, prompts, locale, scope. */
import { useId, useState } from 'react';
import { PROVIDERS, type Slices, SURFACES } from './analytics-params.ts';
import { PERIOD_PRESETS, type Period, periodDays, periodProblem } from './period.ts';

export function Filters({
  period,
  preset,
  slices,
  update,
  topics,
  latestVersion,
  locales,
}: {
  period: Period;
  preset: number | null;
  slices: Slices;
  update: (changes: Record<string, string | null>) => void;
  topics: readonly { id: string; name: string }[];
  latestVersion: number;
  /** Locales of the current prompt set; the filter shows when there is more than one. */
  locales: readonly string[];
}) {
  const id = useId();
  const [draft, setDraft] = useState<Period>(period);
  const [showCustom, setShowCustom] = useState(preset === null);
  const versions = Array.from({ length: latestVersion }, (_, i) => latestVersion - i);
  return (
    <section className="panel analytics-filters" aria-label="Period and slices">
      <div className="analytics-filter-row">
        <fieldset className="segmented">
          <legend className="visually-hidden">Period</legend>
          {PERIOD_PRESETS.map((days) => (
            <button
              key={days}
              type="button"
              className={
                preset === days ? 'button button--small button--primary' : 'button button--small button--ghost'
              }
              aria-pressed={preset === days}
              onClick={() => {
                setShowCustom(false);
                update({ days: String(days), from: null, to: null });
              }}
            >
              Last {days} days
            </button>
          ))}
          <button
            type="button"
            className={preset === null ? 'button button--small button--primary' : 'button button--small button--ghost'}
            aria-pressed={preset === null}
            aria-expanded={showCustom}
            onClick={() => {
              setDraft(period);
              setShowCustom(true);
            }}
          >
            Custom…
          </button>
        </fieldset>
        <span className="muted small" data-testid="analytics-period">
          {period.from} → {period.to} ({periodDays(period)} days, UTC)
        </span>
      </div>
      {showCustom ? (
        <form
          className="analytics-filter-row"
          onSubmit={(event) => {
            event.preventDefault();
            if (!periodProblem(draft)) update({ from: draft.from, to: draft.to, days: null });
          }}
        >
          <label htmlFor={`${id}-from`}>From</label>
          <input
            id={`${id}-from`}
            type="date"
            value={draft.from}
            max={draft.to}
            onChange={(e) => setDraft({ ...draft, from: e.target.value })}
          />
          <label htmlFor={`${id}-to`}>To</label>
          <input
            id={`${id}-to`}
            type="date"
            value={draft.to}
            min={draft.from}
            onChange={(e) => setDraft({ ...draft, to: e.target.value })}
          />
          <button type="submit" className="button button--small" disabled={periodProblem(draft) !== null}>
            Apply
          </button>
          {periodProblem(draft) ? <span className="field-error">{periodProblem(draft)}</span> : null}
        </form>
      ) : null}
      <div className="analytics-filter-row">
        <label htmlFor={`${id}-provider`}>Provider</label>
        <select
          id={`${id}-provider`}
          value={slices.provider ?? ''}
          onChange={(e) => update({ provider: e.target.value })}
        >
          <option value="">All providers</option>
          {PROVIDERS.map((p) => (
            <option key={p.value} value={p.value}>
              {p.label}
            </option>
          ))}
        </select>
        <label htmlFor={`${id}-surface`}>Surface</label>
        <select id={`${id}-surface`} value={slices.surface ?? ''} onChange={(e) => update({ surface: e.target.value })}>
          <option value="">All surfaces</option>
          {SURFACES.map((s) => (
            <option key={s.value} value={s.value}>
              {s.label}
            </option>
          ))}
        </select>
        <label htmlFor={`${id}-topic`}>Topic</label>
        <select id={`${id}-topic`} value={slices.topic ?? ''} onChange={(e) => update({ topic: e.target.value })}>
          <option value="">All topics</option>
          {topics.map((t) => (
            <option key={t.id} value={t.id}>
              {t.name}
            </option>
          ))}
        </select>
        <label htmlFor={`${id}-version`}>Prompt set</label>
        <select
          id={`${id}-version`}
          value={slices.promptSetVersion ?? ''}
          onChange={(e) => update({ version: e.target.value })}
        >
          <option value="">All versions</option>
          {versions.map((v) => (
            <option key={v} value={v}>
              Version {v}
            </option>
          ))}
        </select>
        <label htmlFor={`${id}-prompts`}>Prompts</label>
        <select
          id={`${id}-prompts`}
          value={slices.branded === 'true' ? 'branded' : slices.branded === 'false' ? 'non-branded' : ''}
          onChange={(e) => update({ prompts: e.target.value })}
        >
          <option value="">Branded and non-branded</option>
          <option value="branded">Branded only</option>
          <option value="non-branded">Non-branded only</option>
        </select>
        {locales.length > 1 || slices.locale ? (
          <>
            <label htmlFor={`${id}-locale`}>Locale</label>
            <select
              id={`${id}-locale`}
              value={slices.locale ?? ''}
              onChange={(e) => update({ locale: e.target.value })}
            >
              <option value="">All locales</option>
              {locales.map((l) => (
                <option key={l} value={l}>
                  {l}
                </option>
              ))}
            </select>
          </>
        ) : null}
        <label htmlFor={`${id}-scope`}>Share-of-voice scope</label>
        <select
          id={`${id}-scope`}
          value={slices.scope}
          onChange={(e) => update({ scope: e.target.value === 'all' ? 'all' : null })}
        >
          <option value="non-branded">Non-branded prompts</option>
          <option value="all">All prompts</option>
        </select>
      </div>
    </section>
  );
}
