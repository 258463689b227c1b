import { type ChangeEvent, useMemo, useState } from 'react';
import { Link } from 'react-router';
import type { PromptSetDiff, TrackedPrompt } from '../../../../shared/contracts/index.ts';
import {
  apiFieldErrors,
  csvRowErrors,
  describeMutationError,
  type FieldErrors,
  isVersionConflict,
} from '../../api/errors.ts';
import {
  useBrand,
  useCurrentPromptSet,
  useImportPromptSet,
  usePromptSetDiff,
  usePromptSetVersions,
  useSavePromptSet,
} from '../../api/queries.ts';
import { useApi } from '../../app/runtime.tsx';
import { usePermissions } from '../../auth/permissions.ts';
import { ErrorBanner, QueryState, ReadOnlyHint, SelectField, TextField } from '../../components/forms.tsx';
import { EmptyState, PageHeader } from '../../components/Page.tsx';
import { useCurrentBrand } from '../brands/current-brand.tsx';
import { PromptsEditor, SuggestionsPanel } from './PromptsEditor.tsx';
import {
  type PromptDraft,
  promptsToInput,
  type SuggestionDraft,
  trackedToDraft,
  validatePrompts,
} from './prompt-draft.ts';

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export function PromptSetsAdminPage() {
  const { brand, isPending } = useCurrentBrand();
  return (
    <>
      <PageHeader
        title="Prompt sets"
        description="The prompts asked to AI assistants for the current brand. Every edit creates a new version; metrics say which version they cover."
      />
      {isPending ? (
        <p className="loading-line" role="status">
          Loading brands…
        </p>
      ) : brand ? (
        <PromptSetsForBrand key={brand.id} brandId={brand.id} />
      ) : (
        <EmptyState icon="◆" title="No brand yet">
          <p>
            Prompt sets belong to a brand. <Link to="/admin/brands">Add a brand</Link> first.
          </p>
        </EmptyState>
      )}
    </>
  );
}

function PromptSetsForBrand({ brandId }: { brandId: string }) {
  const brand = useBrand(brandId);
  const current = useCurrentPromptSet(brandId);
  const { canEditPrompts, role } = usePermissions();
  const [editing, setEditing] = useState(false);
  const topics = useMemo(() => brand.data?.topics.map((t) => ({ id: t.id, name: t.name })) ?? [], [brand.data]);
  const topicName = (id: string | null) => topics.find((t) => t.id === id)?.name ?? '—';
  const currentVersion = brand.data?.promptSetVersion ?? current.data?.version ?? 0;

  return (
    <div className="stack">
      <p className="muted">
        Brand: <strong>{brand.data?.name ?? '…'}</strong> (switch brands in the header).
      </p>
      {!canEditPrompts ? <ReadOnlyHint role={role} what="owners, admins and analysts edit prompts" /> : null}
      <section className="panel" aria-labelledby="current-version-title">
        <div className="section-head">
          <h2 id="current-version-title">Current version{current.data ? ` — v${current.data.version}` : ''}</h2>
          <div className="button-row">
            {current.data ? <ExportButton brandId={brandId} label="Export CSV" /> : null}
            {canEditPrompts && !editing && brand.data ? (
              <button type="button" className="button button--primary" onClick={() => setEditing(true)}>
                Edit prompts
              </button>
            ) : null}
          </div>
        </div>
        <QueryState query={current} label="the current prompt set">
          {editing && brand.data ? (
            <PromptSetEditor
              brandId={brandId}
              initial={current.data?.prompts ?? []}
              topics={topics}
              currentVersion={currentVersion}
              defaultLocale={brand.data.markets[0] ?? 'en-US'}
              onDone={() => setEditing(false)}
              onReload={() => {
                void brand.refetch();
                void current.refetch();
              }}
            />
          ) : current.data ? (
            <>
              <p className="muted">
                {current.data.counts.total} prompts · {current.data.counts.branded} branded ·{' '}
                {current.data.counts.nonBranded} non-branded · saved {dateTime.format(new Date(current.data.createdAt))}
                {current.data.note ? ` · “${current.data.note}”` : ''}
              </p>
              <PromptTable prompts={current.data.prompts} topicName={topicName} />
            </>
          ) : (
            <p className="muted">No prompts saved for this brand yet.</p>
          )}
        </QueryState>
      </section>
      {canEditPrompts ? <CsvImport brandId={brandId} currentVersion={currentVersion} /> : null}
      <VersionHistory brandId={brandId} topicName={topicName} />
    </div>
  );
}

function PromptTable({
  prompts,
  topicName,
}: {
  prompts: readonly TrackedPrompt[];
  topicName: (id: string | null) => string;
}) {
  return (
    <table className="table" aria-label="Tracked prompts">
      <thead>
        <tr>
          <th scope="col">Prompt</th>
          <th scope="col">Topic</th>
          <th scope="col">Intent</th>
          <th scope="col">Locale</th>
          <th scope="col">Persona</th>
          <th scope="col">Branded</th>
        </tr>
      </thead>
      <tbody>
        {prompts.map((p) => (
          <tr key={p.id}>
            <td>{p.text}</td>
            <td>{topicName(p.topicId)}</td>
            <td>{p.intent}</td>
            <td>{p.locale}</td>
            <td>{p.persona ?? '—'}</td>
            <td>
              {p.branded ? (
                <span
                  className="chip chip--branded"
                  title="Names the brand or a competitor: excluded from share of voice"
                >
                  branded
                </span>
              ) : (
                <span className="muted">no</span>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function PromptSetEditor({
  brandId,
  initial,
  topics,
  currentVersion,
  defaultLocale,
  onDone,
  onReload,
}: {
  brandId: string;
  initial: readonly TrackedPrompt[];
  topics: readonly { id: string; name: string }[];
  currentVersion: number;
  defaultLocale: string;
  onDone: () => void;
  onReload: () => void;
}) {
  const [prompts, setPrompts] = useState<PromptDraft[]>(() => initial.map(trackedToDraft));
  const [suggestions, setSuggestions] = useState<SuggestionDraft[]>([]);
  const [note, setNote] = useState('');
  const [clientErrors, setClientErrors] = useState<FieldErrors>({});
  const save = useSavePromptSet();
  const errors = { ...apiFieldErrors(save.error), ...clientErrors };

  function onSave() {
    const found = validatePrompts(prompts, note);
    setClientErrors(found);
    if (Object.keys(found).length > 0) return;
    save.mutate({ brandId, input: promptsToInput(prompts, note), currentVersion }, { onSuccess: onDone });
  }

  return (
    <div className="stack">
      <SuggestionsPanel
        brandId={brandId}
        suggestions={suggestions}
        onSuggestionsChange={setSuggestions}
        onAccept={(accepted) => setPrompts((p) => [...p, ...accepted])}
        topics={topics}
        defaultLocale={defaultLocale}
      />
      <PromptsEditor
        prompts={prompts}
        onChange={setPrompts}
        topics={topics}
        errors={errors}
        defaultLocale={defaultLocale}
      />
      <TextField
        label="Version note"
        value={note}
        onChange={setNote}
        placeholder="What changed, e.g. added pricing prompts"
        errors={errors['note'] ? [errors['note']] : []}
      />
      <ErrorBanner error={save.error} title="The new version was not saved.">
        {isVersionConflict(save.error) ? (
          <button type="button" className="button button--ghost button--small" onClick={onReload}>
            Reload
          </button>
        ) : null}
      </ErrorBanner>
      <div className="form-actions">
        <button type="button" className="button button--primary" onClick={onSave} disabled={save.isPending}>
          {save.isPending ? 'Saving…' : 'Save as new version'}
        </button>
        <button type="button" className="button button--ghost" onClick={onDone} disabled={save.isPending}>
          Cancel
        </button>
      </div>
    </div>
  );
}

function ExportButton({ brandId, version, label }: { brandId: string; version?: number; label: string }) {
  const api = useApi();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  async function download() {
    setBusy(true);
    setError(null);
    try {
      // The export needs the bearer token, so fetch it and hand the browser a blob.
      const csv = await api.exportPromptSet(brandId, version);
      const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = `prompt-set-${brandId}${version ? `-v${version}` : ''}.csv`;
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (cause) {
      setError(describeMutationError(cause));
    } finally {
      setBusy(false);
    }
  }
  return (
    <span className="export">
      <button
        type="button"
        className="button button--ghost button--small"
        onClick={() => void download()}
        disabled={busy}
      >
        {busy ? 'Exporting…' : label}
      </button>
      {error ? (
        <span className="field-error" role="alert">
          {error}
        </span>
      ) : null}
    </span>
  );
}

function CsvImport({ brandId, currentVersion }: { brandId: string; currentVersion: number }) {
  const importCsv = useImportPromptSet();
  const [fileName, setFileName] = useState<string | null>(null);
  const rows = csvRowErrors(importCsv.error);

  async function onFile(event: ChangeEvent<HTMLInputElement>) {
    const file = event.target.files?.[0];
    event.target.value = '';
    if (!file) return;
    setFileName(file.name);
    const csv = await file.text();
    importCsv.mutate({ brandId, csv, currentVersion });
  }

  return (
    <section className="panel" aria-labelledby="csv-import-title">
      <h2 id="csv-import-title">Import from CSV</h2>
      <p className="muted">
        Columns: <code>text, topic, intent, locale, persona</code> (topic by name). The file replaces the prompt list as
        a new version; nothing is saved if any row is invalid.
      </p>
      <div className="field">
        <label htmlFor="csv-file">CSV file</label>
        <input
          id="csv-file"
          type="file"
          accept=".csv,text/csv"
          onChange={(e) => void onFile(e)}
          disabled={importCsv.isPending}
        />
      </div>
      {importCsv.isPending ? <p role="status">Importing {fileName}…</p> : null}
      {importCsv.isSuccess ? (
        <p role="status" className="success">
          Imported {fileName}: version {importCsv.data.version} with {importCsv.data.counts.total} prompts.
        </p>
      ) : null}
      {importCsv.error ? (
        <ErrorBanner error={importCsv.error} title={`${fileName ?? 'The file'} was not imported.`}>
          {rows.length > 0 ? (
            <table className="table table--compact" aria-label="CSV errors">
              <thead>
                <tr>
                  <th scope="col">Row</th>
                  <th scope="col">Column</th>
                  <th scope="col">Problem</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={`${r.row}-${r.column}-${r.message}`}>
                    <td>{r.row ?? '—'}</td>
                    <td>{r.column ?? '—'}</td>
                    <td>{r.message}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
        </ErrorBanner>
      ) : null}
    </section>
  );
}

function VersionHistory({ brandId, topicName }: { brandId: string; topicName: (id: string | null) => string }) {
  const versions = usePromptSetVersions(brandId);
  const items = versions.data?.pages.flatMap((p) => p.items) ?? [];
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [range, setRange] = useState<{ from: number; to: number } | null>(null);
  const diff = usePromptSetDiff(brandId, range);
  const options = [
    { value: '', label: 'Choose…' },
    ...items.map((v) => ({ value: String(v.version), label: `v${v.version}` })),
  ];

  return (
    <section className="panel" aria-labelledby="history-title">
      <h2 id="history-title">Version history</h2>
      <QueryState query={versions} label="versions">
        {items.length === 0 ? (
          <p className="muted">No versions yet.</p>
        ) : (
          <>
            <table className="table" aria-label="Prompt set versions">
              <thead>
                <tr>
                  <th scope="col">Version</th>
                  <th scope="col">Saved</th>
                  <th scope="col">By</th>
                  <th scope="col">Prompts</th>
                  <th scope="col">Note</th>
                  <th scope="col">
                    <span className="visually-hidden">Export</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {items.map((v) => (
                  <tr key={v.version}>
                    <td>v{v.version}</td>
                    <td>{dateTime.format(new Date(v.createdAt))}</td>
                    <td>{v.createdBy}</td>
                    <td>
                      {v.counts.total} ({v.counts.branded} branded)
                    </td>
                    <td>{v.note || '—'}</td>
                    <td>
                      <ExportButton brandId={brandId} version={v.version} label={`CSV v${v.version}`} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            {versions.hasNextPage ? (
              <button
                type="button"
                className="button button--ghost button--small"
                onClick={() => void versions.fetchNextPage()}
                disabled={versions.isFetchingNextPage}
              >
                Load older versions
              </button>
            ) : null}
            <form
              className="inline-form"
              onSubmit={(e) => {
                e.preventDefault();
                if (from && to && from !== to) setRange({ from: Number(from), to: Number(to) });
              }}
            >
              <SelectField label="Compare from" value={from} options={options} onChange={setFrom} />
              <SelectField label="to" value={to} options={options} onChange={setTo} />
              <button type="submit" className="button button--ghost" disabled={!from || !to || from === to}>
                Compare
              </button>
            </form>
            {range ? (
              <QueryState query={diff} label="the comparison">
                {diff.data ? <DiffView diff={diff.data} topicName={topicName} /> : null}
              </QueryState>
            ) : null}
          </>
        )}
      </QueryState>
    </section>
  );
}

function DiffView({ diff, topicName }: { diff: PromptSetDiff; topicName: (id: string | null) => string }) {
  const describe = (p: TrackedPrompt, field: string): string => {
    const value = (p as unknown as Record<string, unknown>)[field];
    if (field === 'topicId') return topicName(p.topicId);
    return value === null || value === undefined ? '—' : String(value);
  };
  return (
    <section className="diff" aria-label={`Changes from v${diff.from} to v${diff.to}`}>
      <p className="muted">
        v{diff.from} → v{diff.to}: {diff.added.length} added, {diff.removed.length} removed, {diff.changed.length}{' '}
        changed, {diff.unchanged} unchanged.
      </p>
      <ul className="diff-list">
        {diff.added.map((p) => (
          <li key={`a-${p.id}`} className="diff-item diff-item--added">
            <span className="diff-tag">Added</span> {p.text}
          </li>
        ))}
        {diff.removed.map((p) => (
          <li key={`r-${p.id}`} className="diff-item diff-item--removed">
            <span className="diff-tag">Removed</span> <del>{p.text}</del>
          </li>
        ))}
        {diff.changed.map((c) => (
          <li key={`c-${c.id}`} className="diff-item diff-item--changed">
            <span className="diff-tag">Changed</span> {c.after.text}
            <ul>
              {c.fields.map((f) => (
                <li key={f}>
                  {f}: <del>{describe(c.before, f)}</del> → <ins>{describe(c.after, f)}</ins>
                </li>
              ))}
            </ul>
          </li>
        ))}
      </ul>
      {diff.added.length + diff.removed.length + diff.changed.length === 0 ? (
        <p className="muted">No differences.</p>
      ) : null}
    </section>
  );
}
