import { BRAND_LIMITS } from '../../../../shared/contracts/index.ts';
import type { FieldErrors } from '../../api/errors.ts';
import { CheckboxField, messagesUnder, TextAreaField, TextField } from '../../components/forms.tsx';
import {
  type AliasDraft,
  type BrandDraft,
  type CompetitorDraft,
  newAlias,
  newCompetitor,
  newTopic,
  type TopicDraft,
} from './brand-draft.ts';

const at = (errors: FieldErrors, path: string) => (errors[path] ? [errors[path]] : []);

function replaceAt<T>(list: readonly T[], index: number, item: T): T[] {
  return list.map((x, i) => (i === index ? item : x));
}

/** Alias rows with the case-sensitive and ambiguous-word flags. */
export function AliasesEditor({
  owner,
  aliases,
  onChange,
  errors,
  path,
}: {
  /** Used in labels: "Acme alias 1". */
  owner: string;
  aliases: AliasDraft[];
  onChange: (aliases: AliasDraft[]) => void;
  errors: FieldErrors;
  path: string;
}) {
  const listErrors = errors[path] ? [errors[path]] : [];
  return (
    <fieldset className="subfieldset">
      <legend>{owner} aliases</legend>
      <p className="field-hint">
        Other names assistants may use. <strong>Case-sensitive</strong>: match only this capitalisation.{' '}
        <strong>Ambiguous</strong>: also an ordinary word, so matches need capitalisation or context.
      </p>
      {aliases.length === 0 ? <p className="muted small">No aliases.</p> : null}
      <ul className="rows">
        {aliases.map((alias, i) => (
          <li key={alias.key} className="row alias-row">
            <TextField
              label={`${owner} alias ${i + 1}`}
              value={alias.value}
              onChange={(value) => onChange(replaceAt(aliases, i, { ...alias, value }))}
              errors={messagesUnder(errors, `${path}.${i}`)}
            />
            <CheckboxField
              label="Case-sensitive"
              checked={alias.caseSensitive}
              onChange={(caseSensitive) => onChange(replaceAt(aliases, i, { ...alias, caseSensitive }))}
            />
            <CheckboxField
              label="Ambiguous word"
              checked={alias.ambiguous}
              onChange={(ambiguous) => onChange(replaceAt(aliases, i, { ...alias, ambiguous }))}
            />
            <button
              type="button"
              className="button button--ghost button--small"
              onClick={() => onChange(aliases.filter((_, j) => j !== i))}
              aria-label={`Remove ${owner} alias ${i + 1}`}
            >
              Remove
            </button>
          </li>
        ))}
      </ul>
      {listErrors.length ? <p className="field-error">{listErrors.join(' · ')}</p> : null}
      {aliases.length < BRAND_LIMITS.aliasesPerEntity ? (
        <button
          type="button"
          className="button button--ghost button--small"
          onClick={() => onChange([...aliases, newAlias()])}
        >
          Add alias{owner === 'Brand' ? '' : ` for ${owner}`}
        </button>
      ) : null}
    </fieldset>
  );
}

export function BrandBasicsFields({
  draft,
  onChange,
  errors,
}: {
  draft: BrandDraft;
  onChange: (patch: Partial<BrandDraft>) => void;
  errors: FieldErrors;
}) {
  return (
    <div className="form-grid">
      <TextField
        label="Brand name"
        value={draft.name}
        onChange={(name) => onChange({ name })}
        errors={at(errors, 'name')}
        hint="As people write it, e.g. Acme Analytics."
      />
      <TextField
        label="Category"
        value={draft.category}
        onChange={(category) => onChange({ category })}
        errors={at(errors, 'category')}
        hint="What you sell, in the words a buyer would use: e.g. product analytics software."
      />
      <AliasesEditor
        owner="Brand"
        aliases={draft.aliases}
        onChange={(aliases) => onChange({ aliases })}
        errors={errors}
        path="aliases"
      />
      <TextField
        label="Owned domains"
        value={draft.domains}
        onChange={(domains) => onChange({ domains })}
        errors={messagesUnder(errors, 'ownedDomains')}
        hint="Comma-separated, without https:// — e.g. acme.com, docs.acme.com. Used for citation share."
      />
      <TextField
        label="Markets"
        value={draft.markets}
        onChange={(markets) => onChange({ markets })}
        errors={messagesUnder(errors, 'markets')}
        hint="Locales you sell in, comma-separated — e.g. en-US, de-DE."
      />
    </div>
  );
}

export function CompetitorsEditor({
  competitors,
  onChange,
  errors,
}: {
  competitors: CompetitorDraft[];
  onChange: (competitors: CompetitorDraft[]) => void;
  errors: FieldErrors;
}) {
  return (
    <div className="stack">
      {competitors.length === 0 ? (
        <p className="muted">No competitors yet. Add the brands buyers compare you with.</p>
      ) : null}
      <ol className="cards">
        {competitors.map((competitor, i) => {
          const label = competitor.name.trim() || `Competitor ${i + 1}`;
          const path = `competitors.${i}`;
          return (
            <li key={competitor.key} className="card">
              <div className="card-head">
                <h3>{label}</h3>
                <button
                  type="button"
                  className="button button--ghost button--small"
                  onClick={() => onChange(competitors.filter((_, j) => j !== i))}
                  aria-label={`Remove competitor ${label}`}
                >
                  Remove
                </button>
              </div>
              <TextField
                label="Competitor name"
                value={competitor.name}
                onChange={(name) => onChange(replaceAt(competitors, i, { ...competitor, name }))}
                errors={at(errors, `${path}.name`)}
              />
              <AliasesEditor
                owner={label}
                aliases={competitor.aliases}
                onChange={(aliases) => onChange(replaceAt(competitors, i, { ...competitor, aliases }))}
                errors={errors}
                path={`${path}.aliases`}
              />
              <TextField
                label="Competitor domains"
                value={competitor.domains}
                onChange={(domains) => onChange(replaceAt(competitors, i, { ...competitor, domains }))}
                errors={messagesUnder(errors, `${path}.ownedDomains`)}
                hint="Comma-separated, e.g. rival.com"
              />
            </li>
          );
        })}
      </ol>
      {errors['competitors'] ? <p className="field-error">{errors['competitors']}</p> : null}
      {competitors.length < BRAND_LIMITS.competitors ? (
        <div>
          <button
            type="button"
            className="button button--ghost"
            onClick={() => onChange([...competitors, newCompetitor()])}
          >
            Add competitor
          </button>
        </div>
      ) : null}
    </div>
  );
}

export function TopicsEditor({
  topics,
  onChange,
  errors,
}: {
  topics: TopicDraft[];
  onChange: (topics: TopicDraft[]) => void;
  errors: FieldErrors;
}) {
  return (
    <div className="stack">
      {topics.length === 0 ? (
        <p className="muted">No topics yet. Topics group prompts, e.g. “pricing”, “integrations”, “alternatives”.</p>
      ) : null}
      <ol className="rows">
        {topics.map((topic, i) => (
          <li key={topic.key} className="row topic-row">
            <TextField
              label="Topic name"
              value={topic.name}
              onChange={(name) => onChange(replaceAt(topics, i, { ...topic, name }))}
              errors={at(errors, `topics.${i}.name`)}
            />
            <TextAreaField
              label="Topic description"
              value={topic.description}
              rows={1}
              onChange={(description) => onChange(replaceAt(topics, i, { ...topic, description }))}
              errors={at(errors, `topics.${i}.description`)}
            />
            <button
              type="button"
              className="button button--ghost button--small"
              onClick={() => onChange(topics.filter((_, j) => j !== i))}
              aria-label={`Remove topic ${topic.name || i + 1}`}
            >
              Remove
            </button>
          </li>
        ))}
      </ol>
      {errors['topics'] ? <p className="field-error">{errors['topics']}</p> : null}
      {topics.length < BRAND_LIMITS.topics ? (
        <div>
          <button type="button" className="button button--ghost" onClick={() => onChange([...topics, newTopic()])}>
            Add topic
          </button>
        </div>
      ) : null}
    </div>
  );
}

function aliasText(aliases: readonly { value: string; caseSensitive: boolean; ambiguous: boolean }[]) {
  if (aliases.length === 0) return '—';
  return aliases
    .map((a) => {
      const flags = [a.caseSensitive ? 'case-sensitive' : '', a.ambiguous ? 'ambiguous' : ''].filter(Boolean);
      return flags.length ? `${a.value} (${flags.join(', ')})` : a.value;
    })
    .join(', ');
}

/** Read-only view of a brand (for viewers, and the wizard's review). */
export function BrandSummaryView({
  brand,
}: {
  brand: {
    name: string;
    category: string;
    aliases: readonly { value: string; caseSensitive: boolean; ambiguous: boolean }[];
    ownedDomains: readonly string[];
    markets: readonly string[];
    competitors: readonly {
      name: string;
      aliases: readonly { value: string; caseSensitive: boolean; ambiguous: boolean }[];
      ownedDomains: readonly string[];
    }[];
    topics: readonly { name: string; description: string }[];
  };
}) {
  return (
    <div className="stack">
      <dl className="facts">
        <div>
          <dt>Brand name</dt>
          <dd>{brand.name}</dd>
        </div>
        <div>
          <dt>Category</dt>
          <dd>{brand.category}</dd>
        </div>
        <div>
          <dt>Aliases</dt>
          <dd>{aliasText(brand.aliases)}</dd>
        </div>
        <div>
          <dt>Owned domains</dt>
          <dd>{brand.ownedDomains.join(', ') || '—'}</dd>
        </div>
        <div>
          <dt>Markets</dt>
          <dd>{brand.markets.join(', ') || '—'}</dd>
        </div>
      </dl>
      <div>
        <h3>Competitors ({brand.competitors.length})</h3>
        {brand.competitors.length === 0 ? (
          <p className="muted">None.</p>
        ) : (
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Aliases</th>
                <th scope="col">Domains</th>
              </tr>
            </thead>
            <tbody>
              {brand.competitors.map((c) => (
                <tr key={c.name}>
                  <td>{c.name}</td>
                  <td>{aliasText(c.aliases)}</td>
                  <td>{c.ownedDomains.join(', ') || '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
      <div>
        <h3>Topics ({brand.topics.length})</h3>
        {brand.topics.length === 0 ? (
          <p className="muted">None.</p>
        ) : (
          <ul className="chip-list">
            {brand.topics.map((t) => (
              <li key={t.name} className="chip" title={t.description || undefined}>
                {t.name}
              </li>
            ))}
          </ul>
        )}
      </div>
    </div>
  );
}
