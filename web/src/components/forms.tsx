import { type ReactNode, useId } from 'react';
import { describeMutationError, type FieldErrors, isApiError } from '../api/errors.ts';

/** Messages for every path under `prefix` (`ownedDomains` → `ownedDomains.1: …`), for list-valued fields. */
export function messagesUnder(errors: FieldErrors, prefix: string): string[] {
  const out: string[] = [];
  for (const [path, message] of Object.entries(errors)) {
    if (path === prefix) out.push(message);
    else if (path.startsWith(`${prefix}.`)) {
      const rest = path.slice(prefix.length + 1);
      const index = Number(rest.split('.')[0]);
      out.push(Number.isInteger(index) ? `item ${index + 1}: ${message}` : message);
    }
  }
  return out;
}

export function hasErrorsUnder(errors: FieldErrors, prefix: string): boolean {
  return Object.keys(errors).some((path) => path === prefix || path.startsWith(`${prefix}.`));
}

function FieldError({ id, messages }: { id: string; messages: readonly string[] }) {
  if (messages.length === 0) return null;
  return (
    <p className="field-error" id={id}>
      {messages.join(' · ')}
    </p>
  );
}

interface BaseFieldProps {
  label: string;
  hint?: ReactNode;
  /** Messages shown under the field (already resolved for this field). */
  errors?: readonly string[];
  disabled?: boolean;
  className?: string;
}

export function TextField({
  label,
  hint,
  errors = [],
  value,
  onChange,
  type = 'text',
  placeholder,
  disabled,
  className,
  list,
  min,
  max,
  step,
  autoComplete,
}: BaseFieldProps & {
  value: string;
  onChange: (value: string) => void;
  type?: 'text' | 'number' | 'email' | 'time' | 'search';
  placeholder?: string;
  list?: string;
  min?: number;
  max?: number;
  step?: number | 'any';
  autoComplete?: string;
}) {
  const id = useId();
  const invalid = errors.length > 0;
  return (
    <div className={`field ${className ?? ''}`}>
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type={type}
        value={value}
        placeholder={placeholder}
        disabled={disabled}
        list={list}
        min={min}
        max={max}
        step={step}
        autoComplete={autoComplete ?? 'off'}
        onChange={(event) => onChange(event.target.value)}
        aria-invalid={invalid || undefined}
        aria-describedby={
          [hint ? `${id}-hint` : '', invalid ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined
        }
      />
      {hint ? (
        <p className="field-hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
      <FieldError id={`${id}-error`} messages={errors} />
    </div>
  );
}

export function TextAreaField({
  label,
  hint,
  errors = [],
  value,
  onChange,
  rows = 2,
  disabled,
  className,
}: BaseFieldProps & { value: string; onChange: (value: string) => void; rows?: number }) {
  const id = useId();
  const invalid = errors.length > 0;
  return (
    <div className={`field ${className ?? ''}`}>
      <label htmlFor={id}>{label}</label>
      <textarea
        id={id}
        rows={rows}
        value={value}
        disabled={disabled}
        onChange={(event) => onChange(event.target.value)}
        aria-invalid={invalid || undefined}
        aria-describedby={
          [hint ? `${id}-hint` : '', invalid ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined
        }
      />
      {hint ? (
        <p className="field-hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
      <FieldError id={`${id}-error`} messages={errors} />
    </div>
  );
}

export function SelectField<T extends string>({
  label,
  hint,
  errors = [],
  value,
  onChange,
  options,
  disabled,
  className,
}: BaseFieldProps & {
  value: T;
  onChange: (value: T) => void;
  options: readonly { value: T; label: string }[];
}) {
  const id = useId();
  const invalid = errors.length > 0;
  return (
    <div className={`field ${className ?? ''}`}>
      <label htmlFor={id}>{label}</label>
      <select
        id={id}
        value={value}
        disabled={disabled}
        onChange={(event) => onChange(event.target.value as T)}
        aria-invalid={invalid || undefined}
        aria-describedby={invalid ? `${id}-error` : undefined}
      >
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
      {hint ? <p className="field-hint">{hint}</p> : null}
      <FieldError id={`${id}-error`} messages={errors} />
    </div>
  );
}

export function CheckboxField({
  label,
  checked,
  onChange,
  disabled,
  hint,
}: {
  label: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
  disabled?: boolean;
  hint?: string;
}) {
  const id = useId();
  return (
    <div className="check-field">
      <input
        id={id}
        type="checkbox"
        checked={checked}
        disabled={disabled}
        onChange={(event) => onChange(event.target.checked)}
      />
      <label htmlFor={id} title={hint}>
        {label}
      </label>
    </div>
  );
}

/**
 * A failed mutation, in words a user can act on, with the server's code and any details that could not be
 * placed next to a field.
 */
export function ErrorBanner({
  error,
  title,
  unplaced,
  children,
}: {
  error: unknown;
  title?: string;
  /** Field messages that have no field on screen. */
  unplaced?: readonly string[];
  children?: ReactNode;
}) {
  if (!error) return null;
  return (
    <div className="form-error" role="alert">
      {title ? <p className="form-error-title">{title}</p> : null}
      <p>{describeMutationError(error)}</p>
      {unplaced && unplaced.length > 0 ? (
        <ul className="form-error-list">
          {unplaced.map((message) => (
            <li key={message}>{message}</li>
          ))}
        </ul>
      ) : null}
      {isApiError(error) && error.status ? (
        <p className="muted">
          Error code <code>{error.code}</code> (HTTP {error.status})
        </p>
      ) : null}
      {children}
    </div>
  );
}

/** Shown where a role may look but not change: controls are hidden, not disabled. */
export function ReadOnlyHint({ role, what }: { role: string; what?: string }) {
  return (
    <p className="readonly-hint" data-testid="read-only-hint">
      <span aria-hidden="true">🔒</span> Read-only for your role ({role}){what ? `: ${what}` : ''}.
    </p>
  );
}

/** Loading / error / content for a query, so every screen says what is going on. */
export function QueryState({
  query,
  label,
  children,
}: {
  query: { isPending: boolean; error: unknown; refetch: () => unknown; isFetching?: boolean };
  label: string;
  children: ReactNode;
}) {
  if (query.error) {
    return (
      <div className="form-error" role="alert">
        <p>
          Could not load {label}: {describeMutationError(query.error)}
        </p>
        <button type="button" className="button button--ghost" onClick={() => void query.refetch()}>
          Try again
        </button>
      </div>
    );
  }
  if (query.isPending) {
    return (
      <p className="loading-line" role="status">
        <span className="spinner spinner--inline" aria-hidden="true" /> Loading {label}…
      </p>
    );
  }
  return <>{children}</>;
}

let keyCounter = 0;
/** Stable React keys for rows that have no server id yet. */
export function newKey(): string {
  keyCounter += 1;
  return `k${keyCounter}-${Math.random().toString(36).slice(2, 7)}`;
}
