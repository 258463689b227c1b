import type { ReactNode } from 'react';
import { useDocumentTitle } from './document-title.ts';

/** Page title + intro. The h1 takes focus after client-side navigation (see AppShell). */
export function PageHeader({
  title,
  description,
  children,
}: {
  title: string;
  description: string;
  children?: ReactNode;
}) {
  useDocumentTitle(`${title} · PromptPulse`);
  return (
    <header className="page-header">
      <div>
        <h1 tabIndex={-1}>{title}</h1>
        <p className="page-description">{description}</p>
      </div>
      {children ? <div className="page-header-actions">{children}</div> : null}
    </header>
  );
}

/** An honest "nothing here yet" panel: what will appear, and what has to happen first. */
export function EmptyState({
  icon,
  title,
  children,
  upcoming,
}: {
  icon: string;
  title: string;
  children: ReactNode;
  upcoming?: readonly string[];
}) {
  return (
    <section className="empty-state" aria-label={title}>
      <div className="empty-icon" aria-hidden="true">
        {icon}
      </div>
      <h2>{title}</h2>
      <div className="empty-body">{children}</div>
      {upcoming && upcoming.length > 0 ? (
        <>
          <h3 className="empty-upcoming-title">What will appear here</h3>
          <ul className="empty-upcoming">
            {upcoming.map((item) => (
              <li key={item}>{item}</li>
            ))}
          </ul>
        </>
      ) : null}
    </section>
  );
}
