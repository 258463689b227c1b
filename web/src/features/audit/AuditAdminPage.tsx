import { useAudit } from '../../api/queries.ts';
import { usePermissions } from '../../auth/permissions.ts';
import { QueryState, ReadOnlyHint } from '../../components/forms.tsx';
import { EmptyState, PageHeader } from '../../components/Page.tsx';

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

function show(value: unknown): string {
  if (value === undefined || value === null) return '—';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

export function AuditAdminPage() {
  const { canReadAudit, role } = usePermissions();
  const audit = useAudit(canReadAudit);
  const items = audit.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <>
      <PageHeader title="Audit log" description="Who changed what, and when. Entries are never edited or deleted." />
      {!canReadAudit ? (
        <ReadOnlyHint role={role} what="the audit log is visible to owners and admins" />
      ) : (
        <QueryState query={audit} label="the audit log">
          {items.length === 0 ? (
            <EmptyState icon="☰" title="No changes recorded yet">
              <p>Changes to brands, prompt sets, providers, budgets and members appear here.</p>
            </EmptyState>
          ) : (
            <div className="panel panel--flush">
              <table className="table" aria-label="Audit log">
                <thead>
                  <tr>
                    <th scope="col">When</th>
                    <th scope="col">Who</th>
                    <th scope="col">What</th>
                    <th scope="col">Changes</th>
                  </tr>
                </thead>
                <tbody>
                  {items.map((entry) => (
                    <tr key={entry.id}>
                      <td>
                        <time dateTime={entry.at}>{dateTime.format(new Date(entry.at))}</time>
                      </td>
                      <td>{entry.actor.email ?? entry.actor.userId}</td>
                      <td>
                        <code>{entry.action}</code>
                        <div>{entry.summary}</div>
                        <div className="muted small">
                          {entry.target.type} {entry.target.id}
                        </div>
                      </td>
                      <td>
                        {entry.changes.length === 0 ? (
                          <span className="muted">—</span>
                        ) : (
                          <details>
                            <summary>
                              {entry.changes.length} field{entry.changes.length === 1 ? '' : 's'}
                            </summary>
                            <ul className="change-list">
                              {entry.changes.map((c) => (
                                <li key={c.field}>
                                  <strong>{c.field}</strong>: <del>{show(c.before)}</del> → <ins>{show(c.after)}</ins>
                                </li>
                              ))}
                            </ul>
                          </details>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
              {audit.hasNextPage ? (
                <div className="panel-pad">
                  <button
                    type="button"
                    className="button button--ghost"
                    onClick={() => void audit.fetchNextPage()}
                    disabled={audit.isFetchingNextPage}
                  >
                    {audit.isFetchingNextPage ? 'Loading…' : 'Load older entries'}
                  </button>
                </div>
              ) : null}
            </div>
          )}
        </QueryState>
      )}
    </>
  );
}
