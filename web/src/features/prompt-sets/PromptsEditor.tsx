import { useState } from 'react';
import { INTENTS, type Intent } from '../../../../shared/contracts/index.ts';
import type { FieldErrors } from '../../api/errors.ts';
import { useSuggestPrompts } from '../../api/queries.ts';
import { ErrorBanner, SelectField, TextAreaField, TextField } from '../../components/forms.tsx';
import { newPrompt, type PromptDraft, type SuggestionDraft, suggestionToDraft } from './prompt-draft.ts';

export interface TopicOption {
  id: string;
  name: string;
}

const INTENT_OPTIONS = INTENTS.map((value) => ({ value, label: value[0]?.toUpperCase() + value.slice(1) }));

function PromptRowFields({
  prompt,
  index,
  topics,
  errors,
  onChange,
}: {
  prompt: PromptDraft;
  index: number;
  topics: readonly TopicOption[];
  errors: FieldErrors;
  onChange: (prompt: PromptDraft) => void;
}) {
  const path = `prompts.${index}`;
  const at = (field: string) => (errors[`${path}.${field}`] ? [errors[`${path}.${field}`] as string] : []);
  const topicOptions = [{ value: '', label: 'No topic' }, ...topics.map((t) => ({ value: t.id, label: t.name }))];
  return (
    <div className="prompt-fields">
      <TextAreaField
        className="prompt-text"
        label={`Prompt ${index + 1}`}
        value={prompt.text}
        onChange={(text) => onChange({ ...prompt, text })}
        errors={at('text')}
      />
      <div className="prompt-meta">
        <SelectField
          label="Topic"
          value={prompt.topicId ?? ''}
          options={topicOptions}
          onChange={(value) => onChange({ ...prompt, topicId: value || null })}
          errors={at('topicId')}
        />
        <SelectField<Intent>
          label="Intent"
          value={prompt.intent}
          options={INTENT_OPTIONS}
          onChange={(intent) => onChange({ ...prompt, intent })}
          errors={at('intent')}
        />
        <TextField
          label="Locale"
          value={prompt.locale}
          onChange={(locale) => onChange({ ...prompt, locale })}
          errors={at('locale')}
        />
        <TextField
          label="Persona"
          value={prompt.persona}
          placeholder="optional"
          onChange={(persona) => onChange({ ...prompt, persona })}
          errors={at('persona')}
        />
      </div>
    </div>
  );
}

/** The tracked prompts being edited: every field per prompt, add and remove. */
export function PromptsEditor({
  prompts,
  onChange,
  topics,
  errors,
  defaultLocale,
}: {
  prompts: PromptDraft[];
  onChange: (prompts: PromptDraft[]) => void;
  topics: readonly TopicOption[];
  errors: FieldErrors;
  defaultLocale: string;
}) {
  return (
    <section className="stack" aria-labelledby="tracked-prompts-title">
      <h3 id="tracked-prompts-title">Tracked prompts ({prompts.length})</h3>
      {prompts.length === 0 ? <p className="muted">No prompts yet. Accept suggestions or add your own.</p> : null}
      <ol className="cards">
        {prompts.map((prompt, i) => (
          <li key={prompt.key} className="card prompt-card" data-testid="tracked-prompt">
            <PromptRowFields
              prompt={prompt}
              index={i}
              topics={topics}
              errors={errors}
              onChange={(next) => onChange(prompts.map((p, j) => (j === i ? next : p)))}
            />
            <button
              type="button"
              className="button button--ghost button--small"
              onClick={() => onChange(prompts.filter((_, j) => j !== i))}
              aria-label={`Remove prompt ${i + 1}`}
            >
              Remove
            </button>
          </li>
        ))}
      </ol>
      {errors['prompts'] ? <p className="field-error">{errors['prompts']}</p> : null}
      <div>
        <button
          type="button"
          className="button button--ghost"
          onClick={() => onChange([...prompts, newPrompt(defaultLocale)])}
        >
          Add your own prompt
        </button>
      </div>
    </section>
  );
}

/**
 * Suggestions from the API, shown for review: each can be edited, accepted (moved into the prompt list) or
 * rejected. Nothing is added without a click.
 */
export function SuggestionsPanel({
  brandId,
  suggestions,
  onSuggestionsChange,
  onAccept,
  topics,
  defaultLocale,
}: {
  brandId: string;
  suggestions: SuggestionDraft[];
  onSuggestionsChange: (suggestions: SuggestionDraft[]) => void;
  onAccept: (accepted: PromptDraft[]) => void;
  topics: readonly TopicOption[];
  defaultLocale: string;
}) {
  const suggest = useSuggestPrompts();
  const [personas, setPersonas] = useState('');
  const [count, setCount] = useState('10');
  const topicName = (id: string | null) => topics.find((t) => t.id === id)?.name ?? 'No topic';

  function request() {
    const list = personas
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean)
      .slice(0, 5);
    const n = Math.min(50, Math.max(1, Number.parseInt(count, 10) || 10));
    suggest.mutate(
      { brandId, input: { personas: list, locale: defaultLocale, count: n } },
      { onSuccess: (result) => onSuggestionsChange(result.suggestions.map(suggestionToDraft)) },
    );
  }

  const strip = (s: SuggestionDraft): PromptDraft => ({
    key: s.key,
    text: s.text,
    topicId: s.topicId,
    intent: s.intent,
    locale: s.locale,
    persona: s.persona,
  });

  return (
    <section className="suggestions" aria-labelledby="suggestions-title">
      <h3 id="suggestions-title">Suggestions</h3>
      <p className="muted">
        PromptPulse proposes prompts from your brand, category, competitors and topics. Review each one: nothing is
        tracked until you accept it.
      </p>
      <div className="inline-form">
        <TextField
          label="Personas"
          value={personas}
          onChange={setPersonas}
          placeholder="e.g. marketing lead, data engineer"
          hint="Optional, comma-separated (up to 5)."
        />
        <TextField label="How many" type="number" min={1} max={50} value={count} onChange={setCount} />
        <button type="button" className="button button--primary" onClick={request} disabled={suggest.isPending}>
          {suggest.isPending ? 'Getting suggestions…' : 'Get suggestions'}
        </button>
      </div>
      <ErrorBanner error={suggest.error} title="Suggestions are not available right now." />
      {suggestions.length > 0 ? (
        <>
          <div className="suggestion-toolbar">
            <span className="muted">{suggestions.length} to review</span>
            <button
              type="button"
              className="button button--primary button--small"
              onClick={() => {
                onAccept(suggestions.map(strip));
                onSuggestionsChange([]);
              }}
            >
              Accept all
            </button>
            <button
              type="button"
              className="button button--ghost button--small"
              onClick={() => onSuggestionsChange([])}
            >
              Reject all
            </button>
          </div>
          <ul className="suggestion-list">
            {suggestions.map((s, i) => (
              <li key={s.key} className="suggestion" data-testid="suggestion">
                <label className="visually-hidden" htmlFor={`sugg-${s.key}`}>
                  Suggestion {i + 1}
                </label>
                <textarea
                  id={`sugg-${s.key}`}
                  rows={2}
                  value={s.text}
                  onChange={(event) =>
                    onSuggestionsChange(
                      suggestions.map((x) => (x.key === s.key ? { ...x, text: event.target.value } : x)),
                    )
                  }
                />
                <p className="suggestion-meta">
                  <span className="chip">{s.intent}</span> <span className="chip">{topicName(s.topicId)}</span>{' '}
                  <span className="chip">{s.locale}</span>
                  {s.persona ? <span className="chip">{s.persona}</span> : null}
                  {s.branded ? <span className="chip chip--branded">branded</span> : null}
                  <span className="muted small"> {s.source === 'llm' ? 'AI-generated' : 'template'}</span>
                </p>
                <div className="suggestion-actions">
                  <button
                    type="button"
                    className="button button--primary button--small"
                    aria-label={`Accept suggestion ${i + 1}`}
                    onClick={() => {
                      onAccept([strip(s)]);
                      onSuggestionsChange(suggestions.filter((x) => x.key !== s.key));
                    }}
                  >
                    Accept
                  </button>
                  <button
                    type="button"
                    className="button button--ghost button--small"
                    aria-label={`Reject suggestion ${i + 1}`}
                    onClick={() => onSuggestionsChange(suggestions.filter((x) => x.key !== s.key))}
                  >
                    Reject
                  </button>
                </div>
              </li>
            ))}
          </ul>
        </>
      ) : suggest.isSuccess ? (
        <p className="muted">No suggestions left to review.</p>
      ) : null}
    </section>
  );
}
