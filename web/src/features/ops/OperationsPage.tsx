import { useQuery } from '@tanstack/react-query';
import { type OpsStatus, OpsStatusSchema } from '../../../../shared/contracts/ops.ts';
import { usePermissions } from '../../auth/permissions.ts';
import { QueryState, ReadOnlyHint } from '../../components/forms.tsx';
import { EmptyState, PageHeader } from '../../components/Page.tsx';
import { useHubFetch } from '../actions/actions-api.ts';
import { ModelCatalogueStatus } from './ModelCatalogueStatus.tsx';
import './operations.css';

const time = new Intl.DateTimeFormat(undefined, { dateStyle: 'short', timeStyle: 'medium' });
const number = new Intl.NumberFormat(undefined, { maximumFractionDigits: 4 });

/** Refreshes while open: the page is for watching the stack while something runs. */
const REFRESH_MS = 10_000;

function useOpsStatus(enabled: boolean) {
  const get = useHubFetch();
  return useQuery({
    queryKey: ['ops', 'status'],
    queryFn: ({ signal }) => get('GET', '/ops/status', OpsStatusSchema, { signal }),
    enabled,
    refetchInterval: REFRESH_MS,
  });
}

function Components({ components }: { components: OpsStatus['components'] }) {
  return (
    <section className="panel panel--flush" aria-labelledby="ops-components">
      <h2 id="ops-components" className="ops-heading">
        Components
      </h2>
      <table className="table" aria-label="Components">
        <thead>
          <tr>
            <th scope="col">Component</th>
            <th scope="col">Stands in for</th>
            <th scope="col">Status</th>
            <th scope="col">Latency</th>
            <th scope="col">Detail</th>
          </tr>
        </thead>
        <tbody>
          {components.map((c) => (
            <tr key={c.name}>
              <td>
                {c.name}
                {c.endpoint ? <div className="muted small">{c.endpoint}</div> : null}
              </td>
              <td>{c.role}</td>
              <td>
                <span className={`ops-status ops-status--${c.status}`}>{c.status.replace('_', ' ')}</span>
              </td>
              <td>{c.latencyMs === null ? '—' : `${c.latencyMs} ms`}</td>
              <td className="small">{c.detail ?? '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function DeadLetters({ letters }: { letters: OpsStatus['deadLetters'] }) {
  return (
    <section className="panel" aria-labelledby="ops-dead-letters">
      <h2 id="ops-dead-letters" className="ops-heading">
        Dead-lettered items
      </h2>
      {letters.length === 0 ? (
        <p className="muted">Nothing was given up on since the stack started.</p>
      ) : (
        <ul className="ops-list">
          {letters.map((letter) => (
            <li key={`${letter.source}-${letter.id}-${letter.at}`}>
              <time dateTime={letter.at}>{time.format(new Date(letter.at))}</time> <strong>{letter.source}</strong>{' '}
              <code>{letter.id}</code> — {letter.reason}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function FailedRuns({ runs }: { runs: OpsStatus['failedRuns'] }) {
  return (
    <section className="panel" aria-labelledby="ops-failed-runs">
      <h2 id="ops-failed-runs" className="ops-heading">
        Runs with failed items (this workspace)
      </h2>
      {runs.length === 0 ? (
        <p className="muted">No recent run has failed work items.</p>
      ) : (
        <ul className="ops-list">
          {runs.map((run) => (
            <li key={run.runId}>
              <strong>{run.brandName}</strong> <code>{run.runId}</code> — {run.status}, {run.failed} failed item
              {run.failed === 1 ? '' : 's'} ({time.format(new Date(run.createdAt))})
              {run.errors.length > 0 ? (
                <details>
                  <summary>Errors</summary>
                  <ul>
                    {run.errors.map((e) => (
                      <li key={e.itemId}>
                        {e.provider} / {e.model}: {e.error}
                      </li>
                    ))}
                  </ul>
                </details>
              ) : null}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function RecentErrors({ errors }: { errors: OpsStatus['recentErrors'] }) {
  return (
    <section className="panel" aria-labelledby="ops-errors">
      <h2 id="ops-errors" className="ops-heading">
        Recent errors
      </h2>
      {errors.length === 0 ? (
        <p className="muted">No error was logged since the stack started.</p>
      ) : (
        <ul className="ops-list">
          {errors.map((e) => (
            <li key={`${e.time}-${e.service}-${e.correlationId ?? ''}-${e.message}`}>
              <time dateTime={e.time}>{time.format(new Date(e.time))}</time> <strong>{e.service}</strong> {e.message}
              {e.errorName ? (
                <span className="muted">
                  {' '}
                  — {e.errorName}: {e.errorMessage}
                </span>
              ) : null}
              {e.correlationId ? <div className="muted small">correlation id {e.correlationId}</div> : null}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function Metrics({ metrics }: { metrics: OpsStatus['metrics'] }) {
  const entries = Object.entries(metrics);
  return (
    <section className="panel" aria-labelledby="ops-metrics">
      <h2 id="ops-metrics" className="ops-heading">
        Business metrics since start
      </h2>
      {entries.length === 0 ? (
        <p className="muted">Nothing counted yet: start a run.</p>
      ) : (
        <dl className="ops-metrics">
          {entries.map(([name, value]) => (
            <div key={name}>
              <dt>{name}</dt>
              <dd>{number.format(value)}</dd>
            </div>
          ))}
        </dl>
      )}
    </section>
  );
}

/** Admin > Operations: what the CloudWatch dashboard shows in AWS, for the local stack. */
export function OperationsPage() {
  const { canManage, role } = usePermissions();
  const status = useOpsStatus(canManage);
  return (
    <>
      <PageHeader
        title="Operations"
        description="Health of every local component, what was dead-lettered, failed work and recent errors. In AWS the CloudWatch dashboard and alarms answer the same questions."
      />
      {!canManage ? (
        <ReadOnlyHint role={role} what="operations are visible to owners and admins" />
      ) : (
        <QueryState query={status} label="the operations status">
          {status.data ? (
            <div className="ops">
              <p className="muted small">
                Updated {time.format(new Date(status.data.generatedAt))}; refreshes every 10 s.
              </p>
              <Components components={status.data.components} />
              <DeadLetters letters={status.data.deadLetters} />
              <FailedRuns runs={status.data.failedRuns} />
              <RecentErrors errors={status.data.recentErrors} />
              <Metrics metrics={status.data.metrics} />
            </div>
          ) : (
            <EmptyState icon="⚙" title="No status yet">
              <p>Loading the operations status.</p>
            </EmptyState>
          )}
        </QueryState>
      )}
      {canManage ? <ModelCatalogueStatus /> : null}
    </>
  );
}
