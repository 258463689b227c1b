import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { PROVIDER_CATALOG } from '../../../../shared/contracts/index.ts';
import { apiFieldErrors, type FieldErrors } from '../../api/errors.ts';
import { queryKeys, useWorkspaceSettings } from '../../api/queries.ts';
import { useApi } from '../../app/runtime.tsx';
import { usePermissions } from '../../auth/permissions.ts';
import { useSession } from '../../auth/session.tsx';
import { ErrorBanner, ReadOnlyHint, TextField } from '../../components/forms.tsx';
import { PageHeader } from '../../components/Page.tsx';
import { BrandBasicsFields, BrandSummaryView, CompetitorsEditor, TopicsEditor } from '../brands/BrandFields.tsx';
import {
  brandToDraft,
  draftToInput,
  splitList,
  validateBasics,
  validateCompetitors,
  validateTopics,
} from '../brands/brand-draft.ts';
import { useCurrentBrand } from '../brands/current-brand.tsx';
import { PromptsEditor, SuggestionsPanel } from '../prompt-sets/PromptsEditor.tsx';
import { promptsToInput, validatePrompts } from '../prompt-sets/prompt-draft.ts';
import { useModelCatalogue } from '../providers/models-api.ts';
import { describeSchedule, RunSettingsFields, SpendCapsFields } from '../providers/SettingsFields.tsx';
import {
  capsToDraft,
  draftToCaps,
  draftToRunSettingsInput,
  validateCaps,
  validateRunSettings,
} from '../providers/settings-draft.ts';
import { estimateSetupCost } from './cost-estimate.ts';
import {
  clearWizardState,
  initialWizardState,
  loadWizardState,
  STEPS,
  type StepId,
  saveWizardState,
  stepForBrandPath,
  type TaskId,
  type WizardState,
} from './wizard-state.ts';

const TASKS: { id: TaskId; label: string; step: StepId }[] = [
  { id: 'brand', label: 'Save brand, competitors and topics', step: 'brand' },
  { id: 'promptSet', label: 'Save tracked prompts (version 1)', step: 'prompts' },
  { id: 'runSettings', label: 'Save providers and schedule', step: 'providers' },
  { id: 'spendCaps', label: 'Save spend caps', step: 'providers' },
];

/**
 * Guided setup of a brand: workspace → brand → competitors → topics → prompts → providers & budget → review.
 * The brand is saved when leaving Topics (suggestions need it); Finish saves the rest, resuming after a failure.
 */
export function OnboardingWizard() {
  const { workspace } = useSession();
  const { canManage, role } = usePermissions();
  const [params] = useSearchParams();
  const mode = params.get('mode') === 'add' ? 'add' : 'first';
  const steps = mode === 'add' ? STEPS.filter((s) => s.id !== 'workspace') : STEPS;
  const firstStep = steps[0]?.id ?? 'brand';
  const [state, setState] = useState<WizardState>(
    () => loadWizardState(workspace.id, mode) ?? initialWizardState(firstStep),
  );
  const [clientErrors, setClientErrors] = useState<FieldErrors>({});
  const [busy, setBusy] = useState<null | 'brand' | 'finish'>(null);
  const [stepError, setStepError] = useState<unknown>(null);
  const [finishError, setFinishError] = useState<unknown>(null);
  const api = useApi();
  const queryClient = useQueryClient();
  const catalogue = useModelCatalogue();
  const navigate = useNavigate();
  const { selectBrand } = useCurrentBrand();
  const settings = useWorkspaceSettings();
  const headingRef = useRef<HTMLHeadingElement>(null);
  // The latest state for async flows that span several awaits.
  const stateRef = useRef(state);
  stateRef.current = state;

  useEffect(() => saveWizardState(workspace.id, mode, state), [workspace.id, mode, state]);

  // Spend caps start from the workspace's current caps.
  useEffect(() => {
    if (settings.data && state.caps === null) {
      setState((s) => (s.caps === null ? { ...s, caps: capsToDraft(settings.data.spendCaps) } : s));
    }
  }, [settings.data, state.caps]);

  const stepIndex = steps.findIndex((s) => s.id === state.step);
  const current = steps[stepIndex] ?? steps[0];

  // Focus the step heading when the step changes, so screen readers announce it.
  const focusedStep = useRef(state.step);
  useEffect(() => {
    if (focusedStep.current === state.step) return;
    focusedStep.current = state.step;
    headingRef.current?.focus();
  });

  if (!canManage) {
    return (
      <>
        <PageHeader title="Set up a brand" description="Brands are set up by the workspace's owners and admins." />
        <ReadOnlyHint role={role} what="ask an owner or admin to add a brand" />
      </>
    );
  }

  const update = (patch: Partial<WizardState>) => setState((s) => ({ ...s, ...patch }));
  const errorsFor = (step: StepId): FieldErrors => ({ ...(state.serverErrors[step] ?? {}), ...clientErrors });

  function goTo(step: StepId) {
    const index = steps.findIndex((s) => s.id === step);
    setClientErrors({});
    setStepError(null);
    setState((s) => ({
      ...s,
      step,
      reached: Math.max(
        s.reached,
        STEPS.findIndex((x) => x.id === step),
      ),
    }));
    void index;
  }

  /** Creates the brand once, then updates it when the draft changed. Returns false on failure. */
  async function syncBrand(): Promise<boolean> {
    const s = stateRef.current;
    const input = draftToInput(s.brand);
    const json = JSON.stringify(input);
    if (s.savedBrand && json === s.savedBrandJson) return true;
    setState((x) => ({ ...x, tasks: { ...x.tasks, brand: 'running' } }));
    try {
      const brand = s.savedBrand
        ? await api.updateBrand(s.savedBrand.id, input, s.savedBrand.version)
        : await api.createBrand(input);
      queryClient.setQueryData(queryKeys.brand(brand.id), brand);
      void queryClient.invalidateQueries({ queryKey: queryKeys.brandList });
      const draft = brandToDraft(brand);
      const topicIds = new Set(brand.topics.map((t) => t.id));
      setState((x) => ({
        ...x,
        savedBrand: brand,
        brand: draft,
        savedBrandJson: JSON.stringify(draftToInput(draft)),
        // Prompts pointing at a topic that was removed fall back to "no topic".
        prompts: x.prompts.map((p) => (p.topicId && !topicIds.has(p.topicId) ? { ...p, topicId: null } : p)),
        suggestions: x.suggestions.map((p) => (p.topicId && !topicIds.has(p.topicId) ? { ...p, topicId: null } : p)),
        tasks: { ...x.tasks, brand: 'done' },
        serverErrors: { ...x.serverErrors, brand: {}, competitors: {}, topics: {} },
      }));
      return true;
    } catch (error) {
      const fields = apiFieldErrors(error);
      const byStep: Partial<Record<StepId, FieldErrors>> = { brand: {}, competitors: {}, topics: {} };
      for (const [path, message] of Object.entries(fields)) {
        const step = stepForBrandPath(path);
        byStep[step] = { ...(byStep[step] ?? {}), [path]: message };
      }
      setState((x) => ({
        ...x,
        tasks: { ...x.tasks, brand: 'failed' },
        serverErrors: { ...x.serverErrors, ...byStep },
      }));
      throw error;
    }
  }

  function validateStep(step: StepId): FieldErrors {
    switch (step) {
      case 'brand':
        return validateBasics(state.brand);
      case 'competitors':
        return validateCompetitors(state.brand);
      case 'topics':
        return validateTopics(state.brand);
      case 'prompts':
        return validatePrompts(state.prompts, state.note);
      case 'providers':
        return { ...validateRunSettings(state.run, catalogue), ...(state.caps ? validateCaps(state.caps) : {}) };
      default:
        return {};
    }
  }

  async function onNext(event: FormEvent) {
    event.preventDefault();
    if (busy) return;
    const errors = validateStep(state.step);
    setClientErrors(errors);
    if (Object.keys(errors).length > 0) {
      setStepError(null);
      requestAnimationFrame(() => document.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());
      return;
    }
    if (state.step === 'providers' && state.caps === null) return;
    setStepError(null);
    if (state.step === 'topics') {
      // Suggestions are generated for a saved brand: save it now (created once, updated afterwards).
      setBusy('brand');
      try {
        await syncBrand();
      } catch (error) {
        setStepError(error);
        setBusy(null);
        const first = Object.keys(apiFieldErrors(error))[0];
        if (first && stepForBrandPath(first) !== 'topics') goTo(stepForBrandPath(first));
        return;
      }
      setBusy(null);
    }
    const next = steps[stepIndex + 1];
    if (next) goTo(next.id);
  }

  async function finish() {
    if (busy) return;
    // Every step again, with the same schemas as the server.
    for (const step of steps) {
      const errors = validateStep(step.id);
      if (Object.keys(errors).length > 0) {
        setClientErrors(errors);
        goTo(step.id);
        return;
      }
    }
    setBusy('finish');
    setFinishError(null);
    const setTask = (id: TaskId, status: WizardState['tasks'][TaskId]) =>
      setState((x) => ({ ...x, tasks: { ...x.tasks, [id]: status } }));
    let failedTask: TaskId = 'brand';
    try {
      failedTask = 'brand';
      await syncBrand();
      const brand = stateRef.current.savedBrand;
      if (!brand) throw new Error('The brand was not saved.');

      failedTask = 'promptSet';
      const s1 = stateRef.current;
      const promptInput = promptsToInput(s1.prompts, s1.note);
      const promptJson = JSON.stringify(promptInput);
      if (s1.savedPrompts?.json !== promptJson) {
        setTask('promptSet', 'running');
        const version = await api.savePromptSet(
          brand.id,
          promptInput,
          s1.savedPrompts?.version ?? brand.promptSetVersion,
        );
        update({ savedPrompts: { json: promptJson, version: version.version } });
        void queryClient.invalidateQueries({ queryKey: queryKeys.promptSet(brand.id) });
      }
      setTask('promptSet', 'done');

      failedTask = 'runSettings';
      const runInput = draftToRunSettingsInput(stateRef.current.run);
      const runJson = JSON.stringify(runInput);
      if (stateRef.current.savedRunJson !== runJson) {
        setTask('runSettings', 'running');
        const currentRun = await api.runSettings(brand.id);
        const saved = await api.saveRunSettings(brand.id, runInput, currentRun.version);
        queryClient.setQueryData(queryKeys.runSettings(brand.id), saved);
        update({ savedRunJson: runJson });
      }
      setTask('runSettings', 'done');

      failedTask = 'spendCaps';
      const caps = stateRef.current.caps;
      if (caps) {
        const capsInput = draftToCaps(caps);
        const capsJson = JSON.stringify(capsInput);
        if (stateRef.current.savedCapsJson !== capsJson) {
          setTask('spendCaps', 'running');
          const currentSettings = await api.workspaceSettings();
          const saved = await api.updateSpendCaps(capsInput, currentSettings.version);
          queryClient.setQueryData(queryKeys.workspaceSettings, saved);
          update({ savedCapsJson: capsJson });
        }
      }
      setTask('spendCaps', 'done');

      clearWizardState(workspace.id, mode);
      await queryClient.invalidateQueries({ queryKey: queryKeys.brands });
      selectBrand(brand.id);
      navigate('/actions', { replace: true, state: { setupComplete: brand.name } });
    } catch (error) {
      setTask(failedTask, 'failed');
      const fields = apiFieldErrors(error);
      if (failedTask === 'promptSet') update({ serverErrors: { ...stateRef.current.serverErrors, prompts: fields } });
      if (failedTask === 'runSettings' || failedTask === 'spendCaps') {
        update({ serverErrors: { ...stateRef.current.serverErrors, providers: fields } });
      }
      setFinishError({ error, task: failedTask });
    } finally {
      setBusy(null);
    }
  }

  const brandId = state.savedBrand?.id ?? null;
  const topicOptions = state.savedBrand?.topics.map((t) => ({ id: t.id, name: t.name })) ?? [];
  const markets = splitList(state.brand.markets);
  const defaultLocale = markets[0] ?? 'en-US';
  const failed = finishError as { error: unknown; task: TaskId } | null;

  return (
    <>
      <PageHeader
        title={mode === 'add' ? 'Add a brand' : 'Set up your brand'}
        description="A few minutes now: who you are, who you compete with, what buyers ask, which assistants to ask and how often."
      >
        {mode === 'add' ? (
          <Link to="/admin/brands" className="button button--ghost">
            Leave setup
          </Link>
        ) : null}
      </PageHeader>
      <nav aria-label="Setup steps" className="wizard-steps">
        <ol>
          {steps.map((s, i) => {
            const reachable = STEPS.findIndex((x) => x.id === s.id) <= state.reached && !busy;
            const isCurrent = s.id === state.step;
            return (
              <li
                key={s.id}
                className={`wizard-step ${isCurrent ? 'is-current' : ''} ${i < stepIndex ? 'is-done' : ''}`}
              >
                {reachable && !isCurrent ? (
                  <button type="button" className="wizard-step-link" onClick={() => goTo(s.id)}>
                    <span className="wizard-step-n">{i + 1}</span> {s.title}
                  </button>
                ) : (
                  <span aria-current={isCurrent ? 'step' : undefined}>
                    <span className="wizard-step-n">{i + 1}</span> {s.title}
                  </span>
                )}
              </li>
            );
          })}
        </ol>
      </nav>

      <form className="panel wizard-panel" onSubmit={onNext} noValidate aria-busy={busy ? true : undefined}>
        <h2 ref={headingRef} tabIndex={-1}>
          {current?.title}
        </h2>

        {state.step === 'workspace' ? (
          <div className="stack">
            <p>
              Your workspace <strong>{workspace.name}</strong> is ready, and you are its {workspace.role}. Next, tell
              PromptPulse about the brand to track.
            </p>
            <p className="muted">You can invite colleagues later under Admin → Members.</p>
          </div>
        ) : null}

        {state.step === 'brand' ? (
          <BrandBasicsFields
            draft={state.brand}
            onChange={(patch) => update({ brand: { ...state.brand, ...patch } })}
            errors={errorsFor('brand')}
          />
        ) : null}

        {state.step === 'competitors' ? (
          <CompetitorsEditor
            competitors={state.brand.competitors}
            onChange={(competitors) => update({ brand: { ...state.brand, competitors } })}
            errors={errorsFor('competitors')}
          />
        ) : null}

        {state.step === 'topics' ? (
          <>
            <TopicsEditor
              topics={state.brand.topics}
              onChange={(topics) => update({ brand: { ...state.brand, topics } })}
              errors={errorsFor('topics')}
            />
            <p className="muted small">
              Next saves the brand with its competitors and topics, so PromptPulse can suggest prompts for it.
            </p>
          </>
        ) : null}

        {state.step === 'prompts' ? (
          brandId ? (
            <div className="stack">
              <SuggestionsPanel
                brandId={brandId}
                suggestions={state.suggestions}
                onSuggestionsChange={(suggestions) => update({ suggestions })}
                onAccept={(accepted) => setState((s) => ({ ...s, prompts: [...s.prompts, ...accepted] }))}
                topics={topicOptions}
                defaultLocale={defaultLocale}
              />
              <PromptsEditor
                prompts={state.prompts}
                onChange={(prompts) => update({ prompts })}
                topics={topicOptions}
                errors={errorsFor('prompts')}
                defaultLocale={defaultLocale}
              />
              <TextField
                label="Version note"
                value={state.note}
                onChange={(note) => update({ note })}
                errors={errorsFor('prompts')['note'] ? [errorsFor('prompts')['note'] as string] : []}
              />
            </div>
          ) : (
            <p className="notice">Save the brand first: go back to Topics and press Next.</p>
          )
        ) : null}

        {state.step === 'providers' ? (
          <div className="stack">
            <RunSettingsFields draft={state.run} onChange={(run) => update({ run })} errors={errorsFor('providers')} />
            <fieldset className="subfieldset">
              <legend>Spend caps for the workspace</legend>
              <p className="field-hint">Runs stop being enqueued once a cap is reached. 0 means nothing runs.</p>
              {state.caps ? (
                <SpendCapsFields
                  draft={state.caps}
                  onChange={(caps) => update({ caps })}
                  errors={errorsFor('providers')}
                />
              ) : settings.error ? (
                <ErrorBanner error={settings.error} title="The current spend caps could not be loaded." />
              ) : (
                <p className="muted" role="status">
                  Loading current caps…
                </p>
              )}
            </fieldset>
          </div>
        ) : null}

        {state.step === 'review' ? <ReviewStep state={state} onEdit={goTo} /> : null}

        {Object.keys(clientErrors).length > 0 ? (
          <div className="form-error" role="alert">
            <p className="form-error-title">
              {Object.keys(clientErrors).length === 1
                ? 'One thing to fix before moving on:'
                : `${Object.keys(clientErrors).length} things to fix before moving on:`}
            </p>
            <ul className="form-error-list">
              {Object.entries(clientErrors).map(([path, message]) => (
                <li key={path}>{path ? `${humanPath(path)}: ${message}` : message}</li>
              ))}
            </ul>
          </div>
        ) : null}
        <ErrorBanner error={stepError} title="The brand could not be saved." />

        {state.step === 'review' ? (
          <section className="stack" aria-labelledby="finish-progress-title">
            <h3 id="finish-progress-title">Progress</h3>
            <ol className="task-list">
              {TASKS.map((task) => (
                <li key={task.id} className={`task task--${state.tasks[task.id]}`} data-testid={`task-${task.id}`}>
                  <span className="task-icon" aria-hidden="true">
                    {{ pending: '○', running: '◌', done: '✓', failed: '✕' }[state.tasks[task.id]]}
                  </span>
                  {task.label}
                  <span className="visually-hidden"> — {state.tasks[task.id]}</span>
                </li>
              ))}
            </ol>
            {failed ? (
              <ErrorBanner
                error={failed.error}
                title={`Could not ${TASKS.find((t) => t.id === failed.task)?.label.toLowerCase()}. Everything you entered is kept; fix it and press Finish setup again.`}
              >
                <button
                  type="button"
                  className="button button--ghost button--small"
                  onClick={() => goTo(TASKS.find((t) => t.id === failed.task)?.step ?? 'brand')}
                >
                  Go to {STEPS.find((s) => s.id === TASKS.find((t) => t.id === failed.task)?.step)?.title}
                </button>
              </ErrorBanner>
            ) : null}
          </section>
        ) : null}

        <div className="wizard-actions">
          {stepIndex > 0 ? (
            <button
              type="button"
              className="button button--ghost"
              onClick={() => goTo(steps[stepIndex - 1]?.id ?? firstStep)}
              disabled={busy !== null}
            >
              Back
            </button>
          ) : (
            <span />
          )}
          <span className="muted" aria-live="polite">
            {busy === 'brand' ? 'Saving brand…' : busy === 'finish' ? 'Saving your setup…' : ''}
          </span>
          {state.step === 'review' ? (
            <button
              type="button"
              className="button button--primary"
              onClick={() => void finish()}
              disabled={busy !== null}
            >
              Finish setup
            </button>
          ) : (
            <button type="submit" className="button button--primary" disabled={busy !== null}>
              Next
            </button>
          )}
        </div>
      </form>
    </>
  );
}

/** "120 calls and about $0.09 per run; about $2.74 a month on this schedule" (upper-bound list-price estimate). */
function describeCost(cost: ReturnType<typeof estimateSetupCost>): string {
  const usd = (x: number) => (x < 0.01 && x > 0 ? '< $0.01' : `$${x.toFixed(2)}`);
  const perRun = `${cost.callsPerRun} calls and about ${usd(cost.usdPerRun)} per run`;
  if (cost.runsPerMonth === 0) return `${perRun}; runs only when started by hand`;
  if (cost.usdPerMonth === null) return `${perRun}; the monthly cost depends on the cron schedule`;
  return `${perRun}; about ${usd(cost.usdPerMonth)} a month on this schedule (list prices, upper bound)`;
}

function ReviewStep({ state, onEdit }: { state: WizardState; onEdit: (step: StepId) => void }) {
  const input = draftToInput(state.brand);
  const topics = state.savedBrand?.topics ?? [];
  const topicName = (id: string | null) => topics.find((t) => t.id === id)?.name ?? '—';
  const run = draftToRunSettingsInput(state.run);
  const caps = state.caps;
  const editButton = (step: StepId, what: string) => (
    <button type="button" className="button button--ghost button--small" onClick={() => onEdit(step)}>
      Edit {what}
    </button>
  );
  return (
    <div className="stack review">
      <section>
        <div className="section-head">
          <h3>Brand</h3>
          {editButton('brand', 'brand')}
        </div>
        <BrandSummaryView
          brand={{
            name: input.name,
            category: input.category,
            aliases: (input.aliases ?? []).map((a) => ({
              value: a.value,
              caseSensitive: a.caseSensitive ?? false,
              ambiguous: a.ambiguous ?? false,
            })),
            ownedDomains: input.ownedDomains ?? [],
            markets: input.markets ?? [],
            competitors: (input.competitors ?? []).map((c) => ({
              name: c.name,
              aliases: (c.aliases ?? []).map((a) => ({
                value: a.value,
                caseSensitive: a.caseSensitive ?? false,
                ambiguous: a.ambiguous ?? false,
              })),
              ownedDomains: c.ownedDomains ?? [],
            })),
            topics: (input.topics ?? []).map((t) => ({ name: t.name, description: t.description ?? '' })),
          }}
        />
      </section>
      <section>
        <div className="section-head">
          <h3>Tracked prompts ({state.prompts.length})</h3>
          {editButton('prompts', 'prompts')}
        </div>
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Prompt</th>
              <th scope="col">Topic</th>
              <th scope="col">Intent</th>
              <th scope="col">Locale</th>
              <th scope="col">Persona</th>
            </tr>
          </thead>
          <tbody>
            {state.prompts.map((p) => (
              <tr key={p.key}>
                <td>{p.text}</td>
                <td>{topicName(p.topicId)}</td>
                <td>{p.intent}</td>
                <td>{p.locale}</td>
                <td>{p.persona || '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section>
        <div className="section-head">
          <h3>Providers, schedule and budget</h3>
          {editButton('providers', 'providers')}
        </div>
        <dl className="facts">
          <div>
            <dt>Providers</dt>
            <dd>
              {run.providers
                .map(
                  (p) =>
                    `${PROVIDER_CATALOG[p.provider].label} · ${p.model} · ${p.surface === 'api_web_search' ? 'with web search' : 'plain answers'}`,
                )
                .join('; ') || '—'}
            </dd>
          </div>
          <div>
            <dt>Samples per prompt</dt>
            <dd>{String(run.samplesPerPrompt)}</dd>
          </div>
          <div>
            <dt>Schedule</dt>
            <dd>{describeSchedule(state.run)}</dd>
          </div>
          <div data-testid="setup-cost-estimate">
            <dt>Estimated cost</dt>
            <dd>{describeCost(estimateSetupCost(state.prompts, run))}</dd>
          </div>
          <div>
            <dt>Spend caps</dt>
            <dd>
              {caps
                ? `${caps.callsPerDay} calls/day, ${caps.callsPerMonth} calls/month, $${caps.usdPerDay}/day, $${caps.usdPerMonth}/month`
                : '—'}
            </dd>
          </div>
        </dl>
      </section>
    </div>
  );
}

/** `competitors.0.aliases.1.value` → `competitors 1 › aliases 2 › value`. */
function humanPath(path: string): string {
  return path
    .split('.')
    .map((part) => (/^\d+$/.test(part) ? String(Number(part) + 1) : part))
    .join(' › ')
    .replace(/ › (\d+)/g, ' $1');
}
