import { useState } from 'react';
import { Link } from 'react-router';
import { PROVIDER_CATALOG, type RunSettings, type WorkspaceSettings } from '../../../../shared/contracts/index.ts';
import { judgeCostPer1000 } from '../../../../shared/domain/judge-settings.ts';
import { apiFieldErrors, type FieldErrors, isVersionConflict } from '../../api/errors.ts';
import { useRunSettings, useSaveRunSettings, useSaveSpendCaps, useWorkspaceSettings } from '../../api/queries.ts';
import { usePermissions } from '../../auth/permissions.ts';
import { ErrorBanner, QueryState, ReadOnlyHint } from '../../components/forms.tsx';
import { PageHeader } from '../../components/Page.tsx';
import { useCurrentBrand } from '../brands/current-brand.tsx';
import { ModelNotices } from './ModelNotices.tsx';
import { useModelCatalogue } from './models-api.ts';
import { describeSchedule, RunSettingsFields, SpendCapsFields } from './SettingsFields.tsx';
import {
  capsToDraft,
  draftToCaps,
  draftToRunSettingsInput,
  runSettingsToDraft,
  SPEND_CAP_FIELDS,
  validateCaps,
  validateRunSettings,
} from './settings-draft.ts';

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export function ProvidersAdminPage() {
  const { brand, isPending } = useCurrentBrand();
  const settings = useWorkspaceSettings();
  const { canManage, role } = usePermissions();
  return (
    <>
      <PageHeader
        title="Providers & budgets"
        description="Which AI assistants are asked, how often, and how much the workspace may spend."
      />
      {!canManage ? <ReadOnlyHint role={role} what="only owners and admins change providers and budgets" /> : null}
      <ModelNotices canManage={canManage} />
      <section className="panel" aria-labelledby="run-settings-title">
        <h2 id="run-settings-title">Run settings{brand ? ` — ${brand.name}` : ''}</h2>
        {isPending ? (
          <p role="status">Loading brands…</p>
        ) : brand ? (
          <RunSettingsSection key={brand.id} brandId={brand.id} canManage={canManage} />
        ) : (
          <p className="muted">
            Run settings belong to a brand. <Link to="/admin/brands">Add a brand</Link> first.
          </p>
        )}
      </section>
      <QueryState query={settings} label="workspace settings">
        {settings.data ? (
          <BudgetSection settings={settings.data} canManage={canManage} onReload={() => settings.refetch()} />
        ) : null}
      </QueryState>
    </>
  );
}

function RunSettingsSection({ brandId, canManage }: { brandId: string; canManage: boolean }) {
  const runSettings = useRunSettings(brandId);
  // Bumped by "Reload" after a conflict: the form starts again from the fresh settings.
  const [generation, setGeneration] = useState(0);
  return (
    <QueryState query={runSettings} label="run settings">
      {runSettings.data ? (
        canManage ? (
          <RunSettingsForm
            key={generation}
            brandId={brandId}
            settings={runSettings.data}
            onReload={() => void runSettings.refetch().then(() => setGeneration((g) => g + 1))}
          />
        ) : (
          <RunSettingsView settings={runSettings.data} />
        )
      ) : null}
    </QueryState>
  );
}

/** The judge as the settings summary shows it: off, or the model with its list-price cost per 1,000 judged answers. */
function describeJudge(judge: RunSettings['sentimentJudge'] | null): string {
  if (!judge) return 'Off';
  const per1000 = judgeCostPer1000(judge);
  const cost = per1000 === null ? 'no list price' : `about $${per1000.toFixed(2)} per 1,000 judged answers`;
  return `${PROVIDER_CATALOG[judge.provider].label} · ${judge.model} · ${cost}, counted against the spend caps`;
}

function RunSettingsView({ settings }: { settings: RunSettings }) {
  const draft = runSettingsToDraft(settings);
  return (
    <dl className="facts">
      <div>
        <dt>Providers</dt>
        <dd>
          {settings.providers
            .filter((p) => p.enabled)
            .map((p) => `${PROVIDER_CATALOG[p.provider].label} · ${p.model} · ${p.surface}`)
            .join('; ') || 'None'}
        </dd>
      </div>
      <div>
        <dt>Samples per prompt</dt>
        <dd>{settings.samplesPerPrompt}</dd>
      </div>
      <div>
        <dt>Schedule</dt>
        <dd>{describeSchedule(draft)}</dd>
      </div>
      <div>
        <dt>Sentiment judge</dt>
        <dd>{describeJudge(settings.sentimentJudge ?? null)}</dd>
      </div>
      <div>
        <dt>Next run</dt>
        <dd>{settings.nextRunAt ? dateTime.format(new Date(settings.nextRunAt)) : '—'}</dd>
      </div>
      {settings.version === 0 ? (
        <div>
          <dt>Status</dt>
          <dd>Defaults, never saved</dd>
        </div>
      ) : null}
    </dl>
  );
}

function RunSettingsForm({
  brandId,
  settings,
  onReload,
}: {
  brandId: string;
  settings: RunSettings;
  onReload: () => void;
}) {
  const catalogue = useModelCatalogue();
  const [draft, setDraft] = useState(() => runSettingsToDraft(settings, catalogue));
  const [clientErrors, setClientErrors] = useState<FieldErrors>({});
  const save = useSaveRunSettings();
  const errors = { ...apiFieldErrors(save.error), ...clientErrors };
  return (
    <form
      className="stack"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        const found = validateRunSettings(draft, catalogue);
        setClientErrors(found);
        if (Object.keys(found).length > 0) return;
        save.mutate({ brandId, input: draftToRunSettingsInput(draft), version: settings.version });
      }}
    >
      <p className="muted">
        {settings.version === 0 ? 'Defaults, never saved. ' : ''}Next run:{' '}
        {settings.nextRunAt ? dateTime.format(new Date(settings.nextRunAt)) : 'not scheduled'}.
      </p>
      <RunSettingsFields draft={draft} onChange={setDraft} errors={errors} />
      <ErrorBanner error={save.error} title="Run settings were not saved.">
        {isVersionConflict(save.error) ? (
          <button type="button" className="button button--ghost button--small" onClick={onReload}>
            Reload
          </button>
        ) : null}
      </ErrorBanner>
      <div className="form-actions">
        <button type="submit" className="button button--primary" disabled={save.isPending}>
          {save.isPending ? 'Saving…' : 'Save run settings'}
        </button>
        <span role="status" className="muted">
          {save.isSuccess ? 'Saved.' : ''}
        </span>
      </div>
    </form>
  );
}

function BudgetSection({
  settings,
  canManage,
  onReload,
}: {
  settings: WorkspaceSettings;
  canManage: boolean;
  onReload: () => Promise<unknown>;
}) {
  const limits = settings.planLimits;
  const [generation, setGeneration] = useState(0);
  return (
    <>
      <section className="panel" aria-labelledby="caps-title">
        <h2 id="caps-title">Spend caps (whole workspace)</h2>
        {canManage ? (
          <SpendCapsForm
            key={generation}
            settings={settings}
            onReload={() => void onReload().then(() => setGeneration((g) => g + 1))}
          />
        ) : (
          <dl className="facts">
            {SPEND_CAP_FIELDS.map(({ key, label }) => (
              <div key={key}>
                <dt>{label}</dt>
                <dd>{settings.spendCaps[key].toLocaleString()}</dd>
              </div>
            ))}
          </dl>
        )}
      </section>
      <section className="panel" aria-labelledby="plan-title">
        <h2 id="plan-title">
          Plan limits <span className="chip capitalize">{settings.plan}</span>
        </h2>
        <p className="muted">Set by your plan; contact PromptPulse to change them.</p>
        <dl className="facts">
          <div>
            <dt>Brands</dt>
            <dd>{limits.maxBrands}</dd>
          </div>
          <div>
            <dt>Prompts per brand</dt>
            <dd>{limits.maxPromptsPerBrand}</dd>
          </div>
          <div>
            <dt>Providers</dt>
            <dd>{limits.maxProviders}</dd>
          </div>
          <div>
            <dt>Members</dt>
            <dd>{limits.maxMembers}</dd>
          </div>
        </dl>
      </section>
    </>
  );
}

function SpendCapsForm({ settings, onReload }: { settings: WorkspaceSettings; onReload: () => void }) {
  const [draft, setDraft] = useState(() => capsToDraft(settings.spendCaps));
  const [clientErrors, setClientErrors] = useState<FieldErrors>({});
  const save = useSaveSpendCaps();
  const errors = { ...apiFieldErrors(save.error), ...clientErrors };
  return (
    <form
      className="stack"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        const found = validateCaps(draft);
        setClientErrors(found);
        if (Object.keys(found).length > 0) return;
        save.mutate({ caps: draftToCaps(draft), version: settings.version });
      }}
    >
      <SpendCapsFields draft={draft} onChange={setDraft} errors={errors} />
      <ErrorBanner error={save.error} title="Spend caps were not saved.">
        {isVersionConflict(save.error) ? (
          <button type="button" className="button button--ghost button--small" onClick={onReload}>
            Reload
          </button>
        ) : null}
      </ErrorBanner>
      <div className="form-actions">
        <button type="submit" className="button button--primary" disabled={save.isPending}>
          {save.isPending ? 'Saving…' : 'Save spend caps'}
        </button>
        <span role="status" className="muted">
          {save.isSuccess ? 'Saved.' : ''}
        </span>
      </div>
    </form>
  );
}
