import { useEffect, useState } from 'react';
import type { RetentionSettings } from '../../../../shared/contracts/retention.ts';
import { RETENTION_DAYS, type RetentionChoice } from '../../../../shared/domain/retention.ts';
import { isApiError } from '../../api/errors.ts';
import { useApi } from '../../app/runtime.tsx';

const CHOICES: RetentionChoice[] = [...RETENTION_DAYS, 'keep'];
const label = (choice: RetentionChoice) =>
  choice === 'keep'
    ? 'Keep (no expiry)'
    : choice >= 365
      ? `${choice / 365} year${choice > 365 ? 's' : ''}`
      : `${choice} days`;
const parse = (value: string): RetentionChoice => (value === 'keep' ? 'keep' : (Number(value) as RetentionChoice));

/**
 * How long raw answers and posts are kept (owners change it, admins see it). The setting is stored with each item as
 * it is written (an S3 tag, a DynamoDB TTL), so it applies to items stored from the change on: nothing already stored
 * is back-filled, which the panel says.
 */
export function RetentionSettingsPanel({ canEdit }: { canEdit: boolean }) {
  const api = useApi();
  const [settings, setSettings] = useState<RetentionSettings | null>(null);
  const [draft, setDraft] = useState<{ rawAnswers: RetentionChoice; posts: RetentionChoice } | null>(null);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string | null>(null);

  useEffect(() => {
    const controller = new AbortController();
    api.retentionSettings(controller.signal).then(
      (loaded) => {
        setSettings(loaded);
        setDraft({ rawAnswers: loaded.rawAnswers, posts: loaded.posts });
      },
      (error) => {
        if (!controller.signal.aborted) setMessage(isApiError(error) ? error.message : 'Could not load retention.');
      },
    );
    return () => controller.abort();
  }, [api]);

  if (!settings || !draft) {
    return message ? <p role="alert">{message}</p> : null;
  }
  const changed = draft.rawAnswers !== settings.rawAnswers || draft.posts !== settings.posts;
  const field = (name: 'rawAnswers' | 'posts', title: string) => (
    <div className="field">
      <label htmlFor={`retention-${name}`}>{title}</label>
      <select
        id={`retention-${name}`}
        value={String(draft[name])}
        disabled={!canEdit || busy}
        onChange={(e) => setDraft({ ...draft, [name]: parse(e.target.value) })}
      >
        {CHOICES.map((choice) => (
          <option key={String(choice)} value={String(choice)}>
            {label(choice)}
          </option>
        ))}
      </select>
    </div>
  );

  return (
    <section className="panel" aria-labelledby="retention-title">
      <h2 id="retention-title">Data retention</h2>
      <p>
        How long raw AI answers and collected posts are kept after they are stored. Expired items are erased by the
        storage itself (lifecycle rules and time-to-live), usually within a day or two of the date.
      </p>
      <p className="notice">
        A change applies to items stored <strong>from now on</strong>. Items already stored keep the setting they were
        stored with. Aggregated figures (counts, sentiment, share of voice) are not affected.
      </p>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          setBusy(true);
          setMessage(null);
          api
            .updateRetentionSettings(draft, settings.version)
            .then((saved) => {
              setSettings(saved);
              setMessage('Saved. New raw answers and posts are kept for the chosen time.');
            })
            .catch((error) => setMessage(isApiError(error) ? error.message : 'Something went wrong; try again.'))
            .finally(() => setBusy(false));
        }}
      >
        {field('rawAnswers', 'Raw answers')}
        {field('posts', 'Posts (feed and top posts)')}
        {canEdit ? (
          <button type="submit" disabled={busy || !changed}>
            {busy ? 'Saving…' : 'Save retention'}
          </button>
        ) : (
          <p>Only an owner can change retention.</p>
        )}
      </form>
      {message ? <p role="status">{message}</p> : null}
    </section>
  );
}
