import { useEffect, useState } from 'react';
import type { WorkspaceDeletion } from '../../../../shared/contracts/workspace-lifecycle.ts';
import { isApiError } from '../../api/errors.ts';
import { useApi } from '../../app/runtime.tsx';

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'long', timeStyle: 'short' });

/**
 * Owners only: export everything the workspace owns, or schedule its deletion (purged after a 7-day grace period,
 * cancellable until then). Retention is set in RetentionSettingsPanel.
 */
export function DangerZone({ workspaceName }: { workspaceName: string }) {
  const api = useApi();
  const [deletion, setDeletion] = useState<WorkspaceDeletion | null>(null);
  const [confirmName, setConfirmName] = useState('');
  const [busy, setBusy] = useState<'export' | 'delete' | 'cancel' | null>(null);
  const [message, setMessage] = useState<string | null>(null);

  useEffect(() => {
    const controller = new AbortController();
    api.workspaceDeletion(controller.signal).then(setDeletion, () => setDeletion(null));
    return () => controller.abort();
  }, [api]);

  const run = async (kind: 'export' | 'delete' | 'cancel', work: () => Promise<void>) => {
    setBusy(kind);
    setMessage(null);
    try {
      await work();
    } catch (error) {
      setMessage(isApiError(error) ? error.message : 'Something went wrong; try again.');
    } finally {
      setBusy(null);
    }
  };

  return (
    <section className="panel danger-zone" aria-labelledby="danger-zone-title">
      <h2 id="danger-zone-title">Danger zone</h2>
      <p>
        <strong>Export</strong> downloads everything this workspace owns as one archive: its records as JSON lines per
        kind, and every raw answer and lake file.
      </p>
      <button
        type="button"
        disabled={busy !== null}
        onClick={() =>
          run('export', async () => {
            const result = await api.exportWorkspace();
            setMessage(`Export ready (${Math.ceil(result.bytes / 1024)} KB); the download starts now.`);
            window.location.assign(result.downloadUrl);
          })
        }
      >
        {busy === 'export' ? 'Exporting…' : 'Export workspace'}
      </button>
      {deletion && deletion.status !== 'cancelled' ? (
        <div className="notice" role="status">
          <p>
            This workspace is scheduled for deletion on{' '}
            <time dateTime={deletion.purgeAfter}>{dateFormat.format(new Date(deletion.purgeAfter))}</time>.
          </p>
          {deletion.status === 'scheduled' ? (
            <button
              type="button"
              disabled={busy !== null}
              onClick={() => run('cancel', async () => setDeletion(await api.cancelWorkspaceDeletion()))}
            >
              Cancel the deletion
            </button>
          ) : null}
        </div>
      ) : (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            void run('delete', async () => setDeletion(await api.requestWorkspaceDeletion(confirmName)));
          }}
        >
          <p>
            <strong>Delete</strong> removes the workspace, its members' access, its brands, runs, answers, lake files
            and warehouse rows, 7 days after you ask (you can cancel until then). Type <code>{workspaceName}</code> to
            confirm.
          </p>
          <label htmlFor="confirm-delete">Workspace name</label>
          <input id="confirm-delete" value={confirmName} onChange={(e) => setConfirmName(e.target.value)} />
          <button type="submit" className="danger" disabled={busy !== null || confirmName !== workspaceName}>
            {busy === 'delete' ? 'Scheduling…' : 'Delete workspace'}
          </button>
        </form>
      )}
      {message ? <p role="alert">{message}</p> : null}
    </section>
  );
}
