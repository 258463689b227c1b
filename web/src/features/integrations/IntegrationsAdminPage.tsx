import { type FormEvent, useState } from 'react';
import {
  INTEGRATION_EVENTS,
  INTEGRATION_KINDS,
  type Integration,
  type IntegrationKind,
} from '../../../../shared/contracts/integrations.ts';
import { isApiError } from '../../api/errors.ts';
import { usePermissions } from '../../auth/permissions.ts';
import { ErrorBanner, QueryState, ReadOnlyHint } from '../../components/forms.tsx';
import { PageHeader } from '../../components/Page.tsx';
import {
  useCreateIntegration,
  useDeleteIntegration,
  useDeliveries,
  useIntegrations,
  useRedriveDelivery,
  useTestIntegration,
  useUpdateIntegration,
} from '../actions/actions-api.ts';
import '../actions/actions.css';

const KIND_LABELS: Record<IntegrationKind, string> = {
  webhook: 'Signed webhook (HMAC-SHA256)',
  hubspot: 'HubSpot task',
  salesforce: 'Salesforce task',
};

/** Field messages from a 400, keyed by field name (`url`, `secret`, …). */
function fieldErrors(error: unknown): Record<string, string> {
  if (!isApiError(error) || !Array.isArray(error.details)) return {};
  const out: Record<string, string> = {};
  for (const d of error.details as { path?: string; message?: string }[]) {
    if (d.path && d.message) out[d.path.split('.')[0] ?? d.path] = d.message;
  }
  return out;
}

function NewIntegrationForm() {
  const create = useCreateIntegration();
  const [name, setName] = useState('');
  const [kind, setKind] = useState<IntegrationKind>('webhook');
  const [url, setUrl] = useState('https://');
  const [secret, setSecret] = useState('');
  const errors = fieldErrors(create.error);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate(
      { name, kind, url, secret, events: [...INTEGRATION_EVENTS], enabled: true },
      {
        onSuccess: () => {
          setName('');
          setUrl('https://');
          setSecret('');
        },
      },
    );
  };
  return (
    <form className="panel panel-pad form" onSubmit={submit} aria-label="Add an integration" noValidate>
      <h2 className="panel-title">Add an integration</h2>
      <div className="form-grid form-grid--cols">
        <label className="field">
          <span>Name</span>
          <input value={name} onChange={(e) => setName(e.target.value)} maxLength={80} />
          {errors.name ? <span className="field-error">{errors.name}</span> : null}
        </label>
        <label className="field">
          <span>Kind</span>
          <select value={kind} onChange={(e) => setKind(e.target.value as IntegrationKind)}>
            {INTEGRATION_KINDS.map((k) => (
              <option key={k} value={k}>
                {KIND_LABELS[k]}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>URL (https; private and internal addresses are refused)</span>
          <input value={url} onChange={(e) => setUrl(e.target.value)} inputMode="url" />
          {errors.url ? (
            <span className="field-error" data-testid="url-error">
              {errors.url}
            </span>
          ) : null}
        </label>
        <label className="field">
          <span>{kind === 'webhook' ? 'Signing secret (16+ characters)' : 'Access token'}</span>
          <input value={secret} onChange={(e) => setSecret(e.target.value)} type="password" autoComplete="off" />
          {errors.secret ? <span className="field-error">{errors.secret}</span> : null}
        </label>
      </div>
      <ErrorBanner error={Object.keys(errors).length === 0 ? create.error : null} title="Not added" />
      <div className="form-actions">
        <button type="submit" className="button button--primary" disabled={create.isPending}>
          Add integration
        </button>
      </div>
    </form>
  );
}

function DeliveryLog({ integration }: { integration: Integration }) {
  const deliveries = useDeliveries(integration.id);
  const redrive = useRedriveDelivery(integration.id);
  return (
    <QueryState query={deliveries} label="deliveries">
      <ErrorBanner error={redrive.error} title="Re-drive failed" />
      <table className="table table--compact" data-testid="delivery-log">
        <caption className="visually-hidden">Delivery log of {integration.name}</caption>
        <thead>
          <tr>
            <th>When</th>
            <th>Event</th>
            <th>Status</th>
            <th>Attempts</th>
            <th>Reason</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {(deliveries.data?.items ?? []).map((d) => (
            <tr key={d.id} data-testid="delivery-row" data-status={d.status}>
              <td>{new Date(d.createdAt).toLocaleString()}</td>
              <td>
                {d.eventType}
                {d.test ? ' (test)' : ''}
              </td>
              <td className={d.status === 'dead_lettered' ? 'delivery-dead' : undefined}>{d.status}</td>
              <td>
                {d.attempts.length}
                {d.attempts.at(-1)?.httpStatus ? ` (last HTTP ${d.attempts.at(-1)?.httpStatus})` : ''}
              </td>
              <td>{d.reason ?? ''}</td>
              <td>
                {d.status === 'dead_lettered' ? (
                  <button
                    type="button"
                    className="button button--small"
                    onClick={() => redrive.mutate(d.id)}
                    disabled={redrive.isPending}
                  >
                    Re-drive
                  </button>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {(deliveries.data?.items.length ?? 0) === 0 ? <p className="muted">Nothing sent yet.</p> : null}
    </QueryState>
  );
}

function IntegrationPanel({ integration }: { integration: Integration }) {
  const test = useTestIntegration(integration.id);
  const update = useUpdateIntegration();
  const remove = useDeleteIntegration();
  const [showLog, setShowLog] = useState(true);
  return (
    <section className="panel panel-pad" aria-label={integration.name} data-testid="integration">
      <h2 className="panel-title">
        {integration.name} <span className="chip">{KIND_LABELS[integration.kind]}</span>{' '}
        {integration.enabled ? null : <span className="muted">(paused)</span>}
      </h2>
      <p className="muted small">
        {integration.url} · secret {integration.secretHint} · events {integration.events.join(', ')}
        {integration.lastDelivery
          ? ` · last delivery ${integration.lastDelivery.status} at ${new Date(integration.lastDelivery.at).toLocaleString()}`
          : ''}
      </p>
      <div className="button-row">
        <button type="button" className="button" onClick={() => test.mutate()} disabled={test.isPending}>
          {test.isPending ? 'Sending…' : 'Send test event'}
        </button>
        <button
          type="button"
          className="button button--ghost"
          onClick={() =>
            update.mutate({
              id: integration.id,
              version: integration.version,
              input: {
                name: integration.name,
                kind: integration.kind,
                url: integration.url,
                events: integration.events,
                enabled: !integration.enabled,
              },
            })
          }
        >
          {integration.enabled ? 'Pause' : 'Resume'}
        </button>
        <button type="button" className="button button--ghost" onClick={() => setShowLog((v) => !v)}>
          {showLog ? 'Hide delivery log' : 'Show delivery log'}
        </button>
        <button
          type="button"
          className="button button--danger"
          onClick={() => {
            if (window.confirm(`Remove ${integration.name}?`))
              remove.mutate({ id: integration.id, version: integration.version });
          }}
        >
          Remove
        </button>
      </div>
      {test.data ? (
        <p className="notice" role="status" data-testid="test-result">
          Test event{' '}
          {test.data.status === 'delivered' ? 'delivered' : `failed: ${test.data.reason ?? test.data.status}`}.
        </p>
      ) : null}
      <ErrorBanner error={test.error ?? update.error ?? remove.error} />
      {showLog ? <DeliveryLog integration={integration} /> : null}
    </section>
  );
}

/** Admin › Integrations: CRM / automation targets of action.created / action.updated, with delivery logs. */
export function IntegrationsAdminPage() {
  const { canManage, role } = usePermissions();
  const integrations = useIntegrations(canManage);
  return (
    <>
      <PageHeader
        title="Integrations"
        description="Send new and changed actions to your CRM or automation tool: a signed webhook, or HubSpot / Salesforce tasks. Failed deliveries are retried with backoff, then kept in the dead-letter list for re-drive."
      />
      {!canManage ? (
        <ReadOnlyHint role={role} what="only owners and admins manage integrations" />
      ) : (
        <div className="stack">
          <QueryState query={integrations} label="integrations">
            {(integrations.data?.items ?? []).map((i) => (
              <IntegrationPanel key={i.id} integration={i} />
            ))}
          </QueryState>
          <NewIntegrationForm />
        </div>
      )}
    </>
  );
}
