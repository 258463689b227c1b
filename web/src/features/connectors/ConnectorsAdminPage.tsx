import { type FormEvent, useState } from 'react';
import {
  type Connector,
  type ConnectorConfig,
  ConnectorInputSchema,
  type ConnectorTestResult,
  type WebhookScheme,
} from '../../../../shared/contracts/connectors.ts';
import type { SIGNAL_SOURCE_VALUES } from '../../../../shared/contracts/signals.ts';
import { apiFieldErrors, type FieldErrors, fieldErrorsFrom } from '../../api/errors.ts';
import { useBrands } from '../../api/queries.ts';
import { usePermissions } from '../../auth/permissions.ts';
import {
  CheckboxField,
  ErrorBanner,
  QueryState,
  ReadOnlyHint,
  SelectField,
  TextField,
} from '../../components/forms.tsx';
import { PageHeader } from '../../components/Page.tsx';
import {
  useConnectors,
  useCreateConnector,
  useDeleteConnector,
  usePauseConnector,
  usePollConnector,
  useRotateSecret,
  useTestConnector,
  useUpdateConnector,
} from './connectors-api.ts';
import { type FieldMapDraft, fieldMapDraftOf, fieldMapOf, WebhookFieldMapEditor } from './WebhookFieldMapEditor.tsx';
import './connectors.css';

type SignalSource = (typeof SIGNAL_SOURCE_VALUES)[number];

const SOURCE_LABEL: Record<SignalSource, string> = {
  reddit: 'Reddit',
  rss: 'RSS / Atom feed',
  x: 'X (recent search)',
  meta: 'Facebook Page (Meta)',
  webhook: 'Signed webhook',
};
const STATUS_LABEL: Record<Connector['status'], string> = {
  active: 'Active',
  paused: 'Paused',
  needs_attention: 'Needs attention',
  backing_off: 'Backing off',
};
const SCHEME_LABEL: Record<WebhookScheme, string> = {
  promptpulse: 'PromptPulse (X-PromptPulse-Signature)',
  standard: 'Standard Webhooks (webhook-signature, Svix)',
  stripe: 'Stripe-style (Stripe-Signature t=…,v1=…)',
  hub: 'GitHub / Meta (X-Hub-Signature-256)',
  slack: 'Slack (X-Slack-Signature)',
  shopify: 'Shopify (X-Shopify-Hmac-Sha256)',
};
const when = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const at = (iso: string | null) => (iso ? when.format(new Date(iso)) : '—');

/** Form state of every source's fields; only the chosen source's are sent. */
interface Draft {
  source: SignalSource;
  name: string;
  brandId: string;
  intervalMinutes: string;
  redditMode: 'search' | 'subreddit';
  query: string;
  subreddit: string;
  includeComments: boolean;
  feedUrl: string;
  pageId: string;
  scheme: WebhookScheme;
  /** Webhook: the tool's own JSON read through this map (null: PromptPulse's item list). */
  fieldMap: FieldMapDraft | null;
  /** Settings of the connector this form does not edit (backfill, comment window…), kept as they are. */
  extra: Record<string, unknown>;
}

const EMPTY: Draft = {
  source: 'rss',
  name: '',
  brandId: '',
  intervalMinutes: '15',
  redditMode: 'search',
  query: '',
  subreddit: '',
  includeComments: true,
  feedUrl: '',
  pageId: '',
  scheme: 'promptpulse',
  fieldMap: null,
  extra: {},
};

function configOf(d: Draft): Record<string, unknown> {
  return { ...d.extra, ...edited(d) };
}

function edited(d: Draft): Record<string, unknown> {
  switch (d.source) {
    case 'reddit':
      return {
        source: 'reddit',
        mode: d.redditMode,
        ...(d.query ? { query: d.query } : {}),
        ...(d.subreddit ? { subreddit: d.subreddit } : {}),
        includeComments: d.includeComments,
      };
    case 'rss':
      return { source: 'rss', feedUrl: d.feedUrl };
    case 'x':
      return { source: 'x', query: d.query };
    case 'meta':
      return { source: 'meta', pageId: d.pageId, includeComments: d.includeComments };
    default:
      return { source: 'webhook', scheme: d.scheme, ...(d.fieldMap ? { fieldMap: fieldMapOf(d.fieldMap) } : {}) };
  }
}

function draftOf(c: Connector): Draft {
  const config = c.config as ConnectorConfig & Record<string, unknown>;
  return {
    ...EMPTY,
    source: c.source,
    name: c.name,
    brandId: c.brandId,
    intervalMinutes: String(c.intervalMinutes),
    redditMode: (config.mode as Draft['redditMode']) ?? 'search',
    query: String(config.query ?? ''),
    subreddit: String(config.subreddit ?? ''),
    includeComments: Boolean(config.includeComments ?? true),
    feedUrl: String(config.feedUrl ?? ''),
    pageId: String(config.pageId ?? ''),
    scheme: (config.scheme as WebhookScheme | undefined) ?? 'promptpulse',
    fieldMap: config.source === 'webhook' ? fieldMapDraftOf(config.fieldMap) : null,
    extra: Object.fromEntries(
      Object.entries(config).filter(
        ([key]) =>
          !['mode', 'query', 'subreddit', 'includeComments', 'feedUrl', 'pageId', 'scheme', 'fieldMap'].includes(key),
      ),
    ),
  };
}

/** Admin > Connectors: the workspace's social and news sources, their health, and what they bring in. */
export function ConnectorsAdminPage() {
  const connectors = useConnectors();
  const { canManage, role } = usePermissions();
  const [secret, setSecret] = useState<{ name: string; value: string; url: string } | null>(null);
  const items = connectors.data?.items ?? [];
  return (
    <>
      <PageHeader
        title="Connectors"
        description="Social and news sources polled on a schedule (or pushed to a signed webhook). Every post is analysed like an AI answer and appears in Signals."
      />
      {!canManage ? <ReadOnlyHint role={role} what="only owners and admins manage connectors" /> : null}
      {canManage ? <ConnectorForm onSecret={setSecret} /> : null}
      {secret ? <SecretNotice secret={secret} onDone={() => setSecret(null)} /> : null}
      <section className="panel panel--flush" aria-labelledby="connectors-title">
        <h2 id="connectors-title" className="panel-title">
          Connected sources
        </h2>
        <QueryState query={connectors} label="connectors">
          {items.length === 0 ? (
            <p className="muted panel-pad">No connectors yet.</p>
          ) : (
            <table className="table" aria-label="Connectors">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Source</th>
                  <th scope="col">Status</th>
                  <th scope="col">Last success</th>
                  <th scope="col">Items</th>
                  <th scope="col">Skipped</th>
                  <th scope="col">Next run</th>
                  {canManage ? (
                    <th scope="col">
                      <span className="visually-hidden">Actions</span>
                    </th>
                  ) : null}
                </tr>
              </thead>
              <tbody>
                {items.map((c) => (
                  <ConnectorRow key={c.id} connector={c} canManage={canManage} onSecret={setSecret} />
                ))}
              </tbody>
            </table>
          )}
        </QueryState>
      </section>
    </>
  );
}

function ConnectorRow({
  connector: c,
  canManage,
  onSecret,
}: {
  connector: Connector;
  canManage: boolean;
  onSecret: (s: { name: string; value: string; url: string }) => void;
}) {
  const pause = usePauseConnector();
  const poll = usePollConnector();
  const test = useTestConnector();
  const remove = useDeleteConnector();
  const rotate = useRotateSecret();
  const [editing, setEditing] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const skipped = Object.entries(c.skipped)
    .map(([reason, n]) => `${reason.replace('_', ' ')} ${n}`)
    .join(', ');
  const error = pause.error ?? poll.error ?? test.error ?? remove.error ?? rotate.error;
  const pulled = c.source !== 'webhook';
  return (
    <>
      <tr>
        <td>
          <strong>{c.name}</strong>
          {c.statusMessage ? <p className="field-hint">{c.statusMessage}</p> : null}
          {c.lastError && c.status !== 'active' ? (
            <p className="field-hint">
              Last error {at(c.lastError.at)}: {c.lastError.message}
            </p>
          ) : null}
        </td>
        <td>{SOURCE_LABEL[c.source]}</td>
        <td>
          <span className={`connector-status connector-status--${c.status}`}>{STATUS_LABEL[c.status]}</span>
        </td>
        <td>{at(c.lastSuccessAt)}</td>
        <td>{c.itemsIngested.toLocaleString()}</td>
        <td className="muted">{skipped || '—'}</td>
        <td>{pulled ? at(c.nextRunAt) : 'on push'}</td>
        {canManage ? (
          <td>
            <div className="connector-actions">
              {pulled ? (
                <button
                  type="button"
                  className="button button--ghost button--small"
                  onClick={() => test.mutate(c.id)}
                  disabled={test.isPending}
                >
                  {test.isPending ? 'Fetching…' : 'Test'}
                </button>
              ) : null}
              {pulled && (c.status === 'active' || c.status === 'backing_off') ? (
                <button
                  type="button"
                  className="button button--ghost button--small"
                  onClick={() => poll.mutate(c.id)}
                  disabled={poll.isPending}
                >
                  Poll now
                </button>
              ) : null}
              <button
                type="button"
                className="button button--ghost button--small"
                onClick={() =>
                  pause.mutate({ id: c.id, paused: c.status !== 'paused' && c.status !== 'needs_attention' })
                }
                disabled={pause.isPending}
              >
                {c.status === 'paused' || c.status === 'needs_attention' ? 'Resume' : 'Pause'}
              </button>
              {c.source === 'webhook' ? (
                <button
                  type="button"
                  className="button button--ghost button--small"
                  disabled={rotate.isPending}
                  onClick={() =>
                    rotate.mutate(
                      { id: c.id, revoke: c.webhookSecrets.slice(0, -1).map((s) => s.id) },
                      {
                        onSuccess: (r) =>
                          r.webhookSecret &&
                          onSecret({ name: c.name, value: r.webhookSecret.value, url: r.webhookSecret.url }),
                      },
                    )
                  }
                >
                  Rotate secret
                </button>
              ) : null}
              <button type="button" className="button button--ghost button--small" onClick={() => setEditing(!editing)}>
                {editing ? 'Close' : 'Edit'}
              </button>
              <button
                type="button"
                className="button button--ghost button--small"
                onClick={() => setConfirmDelete(true)}
                aria-label={`Delete ${c.name}`}
              >
                Delete
              </button>
            </div>
            <ErrorBanner error={error} />
          </td>
        ) : null}
      </tr>
      {confirmDelete ? (
        <tr>
          <td colSpan={8}>
            <div className="confirm" role="alertdialog" aria-label={`Delete ${c.name}`}>
              <p>
                Delete <strong>{c.name}</strong>? Polling stops; the signals it brought in stay in reports.
              </p>
              <div className="form-actions">
                <button
                  type="button"
                  className="button button--danger"
                  onClick={() => remove.mutate(c.id, { onSuccess: () => setConfirmDelete(false) })}
                >
                  Delete connector
                </button>
                <button type="button" className="button button--ghost" onClick={() => setConfirmDelete(false)}>
                  Cancel
                </button>
              </div>
            </div>
          </td>
        </tr>
      ) : null}
      {editing ? (
        <tr>
          <td colSpan={8}>
            <ConnectorForm existing={c} onDone={() => setEditing(false)} onSecret={onSecret} />
          </td>
        </tr>
      ) : null}
      {test.data ? (
        <tr>
          <td colSpan={8}>
            <SampleResult result={test.data} onClose={() => test.reset()} />
          </td>
        </tr>
      ) : null}
    </>
  );
}

function SampleResult({ result, onClose }: { result: ConnectorTestResult; onClose: () => void }) {
  return (
    <section aria-label="Sample" className="panel">
      <h3>{result.ok ? `Sample: ${result.items.length} item(s), nothing saved` : 'The test fetch failed'}</h3>
      {result.error ? (
        <p className="form-error" role="alert">
          {result.error.message}
        </p>
      ) : null}
      {result.volume?.postsPerDay != null ? (
        <p>
          About {result.volume.postsPerDay} posts a day (from {result.volume.basis})
          {result.volume.capShare != null
            ? `, ${Math.round(result.volume.capShare * 100)}% of the X plan's monthly cap`
            : ''}
          .
        </p>
      ) : null}
      {result.volume?.warning ? <p className="form-error">{result.volume.warning}</p> : null}
      <ul className="connector-sample">
        {result.items.map((item) => {
          const brand = item.entities.find((e) => e.kind === 'brand');
          return (
            <li key={item.externalId}>
              <strong>{item.title ?? item.author ?? item.externalId}</strong>{' '}
              <span className="muted">
                {at(item.publishedAt)} · {item.language ?? 'language unknown'} · overall {item.sentiment.label}
                {brand?.mentioned ? ` · brand sentiment ${brand.sentiment?.toFixed(2)}` : ' · brand not mentioned'}
              </span>
              <p>{item.text.slice(0, 280)}</p>
            </li>
          );
        })}
      </ul>
      <button type="button" className="button button--ghost button--small" onClick={onClose}>
        Close sample
      </button>
    </section>
  );
}

function SecretNotice({
  secret,
  onDone,
}: {
  secret: { name: string; value: string; url: string };
  onDone: () => void;
}) {
  return (
    <section className="panel" role="status" aria-labelledby="secret-title">
      <h2 id="secret-title">Signing secret for {secret.name}</h2>
      <p>Copy it now: it is never shown again. Older secrets stay valid until you rotate again.</p>
      <p className="connector-secret">{secret.value}</p>
      <p>
        Post to <code>{secret.url}</code>, signed in the connector’s convention with this secret: for PromptPulse,{' '}
        <code>X-PromptPulse-Timestamp</code> (Unix seconds) and{' '}
        <code>X-PromptPulse-Signature: v1=&lt;hex HMAC-SHA256 of "timestamp.body"&gt;</code>; Standard Webhooks, Stripe,
        GitHub/Meta, Slack and Shopify senders use it as their signing secret.
      </p>
      <button type="button" className="button button--primary" onClick={onDone}>
        I have stored it
      </button>
    </section>
  );
}

function ConnectorForm({
  existing,
  onDone,
  onSecret,
}: {
  existing?: Connector;
  onDone?: () => void;
  onSecret: (s: { name: string; value: string; url: string }) => void;
}) {
  const brands = useBrands();
  const create = useCreateConnector();
  const update = useUpdateConnector();
  const [draft, setDraft] = useState<Draft>(existing ? draftOf(existing) : EMPTY);
  const [clientErrors, setClientErrors] = useState<FieldErrors>({});
  const mutation = existing ? update : create;
  const errors = { ...apiFieldErrors(mutation.error), ...clientErrors };
  const set =
    <K extends keyof Draft>(key: K) =>
    (value: Draft[K]) =>
      setDraft((d) => ({ ...d, [key]: value }));
  const brandOptions = (brands.data?.items ?? []).map((b) => ({ value: b.id, label: b.name }));
  const brandId = draft.brandId || brandOptions[0]?.value || '';
  const err = (key: string) => (errors[key] ? [errors[key]] : []);

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    const input = {
      brandId,
      name: draft.name,
      intervalMinutes: Number(draft.intervalMinutes),
      config: configOf(draft),
    };
    const parsed = ConnectorInputSchema.safeParse(input);
    if (!parsed.success) {
      setClientErrors(fieldErrorsFrom(parsed.error.issues));
      return;
    }
    setClientErrors({});
    if (existing) {
      const { brandId: _brand, ...body } = input;
      update.mutate(
        { id: existing.id, version: existing.version, body: body as never },
        { onSuccess: () => onDone?.() },
      );
    } else {
      create.mutate(input as never, {
        onSuccess: (created) => {
          if (created.webhookSecret) {
            onSecret({ name: created.name, value: created.webhookSecret.value, url: created.webhookSecret.url });
          }
          setDraft(EMPTY);
        },
      });
    }
  }

  const sources = (Object.keys(SOURCE_LABEL) as SignalSource[]).map((s) => ({ value: s, label: SOURCE_LABEL[s] }));
  return (
    <section className="panel" aria-labelledby={existing ? undefined : 'new-connector-title'}>
      {existing ? null : <h2 id="new-connector-title">Connect a source</h2>}
      <form onSubmit={onSubmit} noValidate>
        <div className="connector-form-grid">
          {existing ? null : (
            <SelectField<SignalSource> label="Source" value={draft.source} onChange={set('source')} options={sources} />
          )}
          <TextField label="Name" value={draft.name} onChange={set('name')} errors={err('name')} />
          {existing ? null : (
            <SelectField<string>
              label="Brand"
              value={brandId}
              onChange={set('brandId')}
              options={brandOptions}
              errors={err('brandId')}
            />
          )}
          {draft.source !== 'webhook' ? (
            <TextField
              label="Poll every (minutes)"
              type="number"
              min={5}
              max={1440}
              value={draft.intervalMinutes}
              onChange={set('intervalMinutes')}
              errors={err('intervalMinutes')}
            />
          ) : null}
          {draft.source === 'reddit' ? (
            <>
              <SelectField<Draft['redditMode']>
                label="Reddit mode"
                value={draft.redditMode}
                onChange={set('redditMode')}
                options={[
                  { value: 'search', label: 'Search' },
                  { value: 'subreddit', label: 'Newest posts of a subreddit' },
                ]}
              />
              <TextField
                label={draft.redditMode === 'search' ? 'Search query' : 'Search query (optional)'}
                value={draft.query}
                onChange={set('query')}
                errors={err('config.query')}
              />
              <TextField
                label="Subreddit"
                hint={draft.redditMode === 'search' ? 'Optional: search only there' : undefined}
                value={draft.subreddit}
                onChange={set('subreddit')}
                errors={err('config.subreddit')}
              />
            </>
          ) : null}
          {draft.source === 'x' ? (
            <TextField label="Search query" value={draft.query} onChange={set('query')} errors={err('config.query')} />
          ) : null}
          {draft.source === 'rss' ? (
            <TextField
              label="Feed URL"
              hint="https only; must be reachable on the public internet"
              value={draft.feedUrl}
              onChange={set('feedUrl')}
              errors={err('config.feedUrl')}
            />
          ) : null}
          {draft.source === 'meta' ? (
            <TextField
              label="Page id or username"
              value={draft.pageId}
              onChange={set('pageId')}
              errors={err('config.pageId')}
            />
          ) : null}
          {draft.source === 'webhook' ? (
            <SelectField<WebhookScheme>
              label="Signed as"
              value={draft.scheme}
              onChange={set('scheme')}
              options={(Object.keys(SCHEME_LABEL) as WebhookScheme[]).map((s) => ({
                value: s,
                label: SCHEME_LABEL[s],
              }))}
            />
          ) : null}
          {draft.source === 'webhook' ? (
            <WebhookFieldMapEditor value={draft.fieldMap} onChange={set('fieldMap')} />
          ) : null}
          {draft.source === 'reddit' || draft.source === 'meta' ? (
            <CheckboxField label="Include comments" checked={draft.includeComments} onChange={set('includeComments')} />
          ) : null}
        </div>
        <div className="form-actions">
          <button type="submit" className="button button--primary" disabled={mutation.isPending}>
            {existing ? 'Save changes' : 'Connect'}
          </button>
          {existing ? (
            <button type="button" className="button button--ghost" onClick={onDone}>
              Cancel
            </button>
          ) : null}
        </div>
      </form>
      <ErrorBanner
        error={mutation.error}
        title={existing ? 'The connector was not saved.' : 'The source was not connected.'}
      />
    </section>
  );
}
