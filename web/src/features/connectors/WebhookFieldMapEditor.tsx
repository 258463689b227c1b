import { useState } from 'react';
import type { WebhookFieldMap } from '../../../../shared/contracts/connectors.ts';
import { CheckboxField, ErrorBanner, TextAreaField, TextField } from '../../components/forms.tsx';
import { usePreviewFieldMap } from './connectors-api.ts';

/** The paths of a field map as the form edits them (empty optional paths are left out of the saved map). */
export interface FieldMapDraft {
  items: string;
  id: string;
  text: string;
  publishedAt: string;
  title: string;
  url: string;
  author: string;
  channel: string;
}

const OPTIONAL = ['title', 'url', 'author', 'channel'] as const;

export const EMPTY_FIELD_MAP: FieldMapDraft = {
  items: '',
  id: 'id',
  text: 'text',
  publishedAt: 'published_at',
  title: '',
  url: '',
  author: '',
  channel: '',
};

export function fieldMapOf(draft: FieldMapDraft): WebhookFieldMap {
  const fields: Record<string, string> = { id: draft.id, text: draft.text, publishedAt: draft.publishedAt };
  for (const key of OPTIONAL) if (draft[key].trim()) fields[key] = draft[key].trim();
  return { items: draft.items.trim(), fields: fields as WebhookFieldMap['fields'] };
}

export function fieldMapDraftOf(map: WebhookFieldMap | undefined): FieldMapDraft | null {
  if (!map) return null;
  const f = map.fields;
  return {
    items: map.items,
    id: f.id,
    text: f.text,
    publishedAt: f.publishedAt,
    title: f.title ?? '',
    url: f.url ?? '',
    author: f.author ?? '',
    channel: f.channel ?? '',
  };
}

const LABELS: Record<keyof FieldMapDraft, string> = {
  items: 'List of items at',
  id: 'Id',
  text: 'Text',
  publishedAt: 'Published at',
  title: 'Title (optional)',
  url: 'Link (optional)',
  author: 'Author (optional)',
  channel: 'Channel (optional)',
};

/**
 * A webhook connector reading a listening tool's own JSON: the admin names where each field is (dot paths such as
 * `author.name`) and previews the map on a sample body before saving it (POST /connectors/webhook-preview).
 */
export function WebhookFieldMapEditor({
  value,
  onChange,
}: {
  value: FieldMapDraft | null;
  onChange: (value: FieldMapDraft | null) => void;
}) {
  const [sample, setSample] = useState('');
  const [sampleError, setSampleError] = useState<string | null>(null);
  const preview = usePreviewFieldMap();
  const draft = value;

  function runPreview() {
    if (!draft) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(sample);
    } catch {
      setSampleError('The sample is not valid JSON');
      return;
    }
    setSampleError(null);
    preview.mutate({ fieldMap: fieldMapOf(draft), sample: parsed });
  }

  return (
    <fieldset className="connector-field-map">
      <legend>Body</legend>
      <CheckboxField
        label="The tool posts its own JSON (map its fields)"
        checked={draft !== null}
        onChange={(on) => onChange(on ? EMPTY_FIELD_MAP : null)}
      />
      {draft ? (
        <>
          {(Object.keys(LABELS) as (keyof FieldMapDraft)[]).map((key) => (
            <TextField
              key={key}
              label={LABELS[key]}
              hint={key === 'items' ? 'Empty: the body is the list (or one item)' : undefined}
              value={draft[key]}
              onChange={(v) => onChange({ ...draft, [key]: v })}
            />
          ))}
          <TextAreaField
            label="Sample body for the preview"
            rows={6}
            value={sample}
            onChange={setSample}
            errors={sampleError ? [sampleError] : []}
          />
          <button
            type="button"
            className="button button--ghost button--small"
            onClick={runPreview}
            disabled={preview.isPending}
          >
            Preview
          </button>
          <ErrorBanner error={preview.error} title="The preview failed." />
          {preview.data ? (
            <div role="status" className="connector-field-map__preview">
              <p>
                Reads {preview.data.items.length} of {preview.data.total} item{preview.data.total === 1 ? '' : 's'}.
              </p>
              <ul>
                {preview.data.items.map((item) => (
                  <li key={item.id}>
                    <strong>{item.id}</strong> · {item.publishedAt} · {item.text.slice(0, 120)}
                  </li>
                ))}
              </ul>
              {preview.data.problems.length > 0 ? (
                <ul className="field-error">
                  {preview.data.problems.map((p) => (
                    <li key={`${p.index}-${p.field}`}>
                      {p.index >= 0 ? `Item ${p.index + 1}` : 'Body'}: {p.field} — {p.message}
                    </li>
                  ))}
                </ul>
              ) : null}
            </div>
          ) : null}
        </>
      ) : null}
    </fieldset>
  );
}
