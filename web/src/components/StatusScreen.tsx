import type { ReactNode } from 'react';
import { useDocumentTitle } from './document-title.ts';

/** A centred, full-page message used before the shell can render: loading, errors, session problems. */
export function StatusScreen({
  title,
  children,
  actions,
  tone = 'neutral',
  busy = false,
}: {
  title: string;
  children?: ReactNode;
  actions?: ReactNode;
  tone?: 'neutral' | 'error';
  busy?: boolean;
}) {
  useDocumentTitle(`${title} · PromptPulse`);
  return (
    <main className="status-screen" aria-busy={busy || undefined}>
      <div className={`status-card status-card--${tone}`} role={tone === 'error' ? 'alert' : 'status'}>
        <p className="brand-mark" aria-hidden="true">
          <span className="brand-dot" /> PromptPulse
        </p>
        {busy ? <span className="spinner" aria-hidden="true" /> : null}
        <h1>{title}</h1>
        {children ? <div className="status-body">{children}</div> : null}
        {actions ? <div className="status-actions">{actions}</div> : null}
      </div>
    </main>
  );
}

export function LoadingScreen({ label }: { label: string }) {
  return <StatusScreen title={label} busy />;
}
