import { useEffect, useRef } from 'react';
import { NavLink, Outlet, useLocation } from 'react-router';
import { useAuthActions, useSession } from '../auth/session.tsx';
import { BrandSwitcher, CurrentBrandProvider } from '../features/brands/current-brand.tsx';
import { LivePushProvider } from './live-push.tsx';

interface NavItem {
  to: string;
  label: string;
  icon: string;
}

export const NAV_ITEMS: readonly NavItem[] = [
  { to: '/actions', label: 'Action Hub', icon: '◎' },
  { to: '/analytics', label: 'Analytics', icon: '▤' },
  { to: '/signals', label: 'Signals', icon: '◈' },
  { to: '/runs', label: 'Runs', icon: '▶' },
  { to: '/admin', label: 'Admin', icon: '⚙' },
];

const ROLE_LABEL = { owner: 'Owner', admin: 'Admin', analyst: 'Analyst', viewer: 'Viewer' } as const;

/** The signed-in frame: sidebar navigation, a header with workspace and user, and the page in `<main>`. */
export function AppShell() {
  const { me, workspace } = useSession();
  const { startSignOut, pending, error } = useAuthActions();
  const location = useLocation();
  const mainRef = useRef<HTMLElement>(null);
  const shownPath = useRef(location.pathname);
  const pathname = location.pathname;

  useEffect(() => {
    // After client-side navigation (not on first load), move focus to the new page's heading so screen
    // readers announce it.
    if (shownPath.current === pathname) return;
    shownPath.current = pathname;
    const heading = mainRef.current?.querySelector<HTMLElement>('h1');
    (heading ?? mainRef.current)?.focus();
  }, [pathname]);

  return (
    <CurrentBrandProvider>
      <LivePushProvider>
        <div className="shell">
          <a className="skip-link" href="#main">
            Skip to content
          </a>
          <div className="sidebar">
            <p className="sidebar-brand">
              <span className="brand-dot" aria-hidden="true" /> PromptPulse
            </p>
            <nav aria-label="Main">
              <ul className="nav-list">
                {NAV_ITEMS.map((item) => (
                  <li key={item.to}>
                    <NavLink to={item.to} className="nav-link">
                      <span className="nav-icon" aria-hidden="true">
                        {item.icon}
                      </span>
                      {item.label}
                    </NavLink>
                  </li>
                ))}
              </ul>
            </nav>
          </div>
          <div className="shell-body">
            <header className="topbar">
              <div className="topbar-context">
                <div className="topbar-workspace">
                  <span className="topbar-label">Workspace</span>
                  <span className="topbar-workspace-name" data-testid="workspace-name">
                    {workspace.name}
                  </span>
                </div>
                <BrandSwitcher />
              </div>
              <div className="topbar-user">
                <span className="topbar-email" data-testid="user-email">
                  {me.email ?? 'Signed in'}
                </span>
                <span className="role-badge" data-testid="user-role" title="Your role in this workspace">
                  {ROLE_LABEL[workspace.role]}
                </span>
                <button
                  type="button"
                  className="button button--ghost"
                  onClick={() => void startSignOut()}
                  disabled={pending === 'signout'}
                >
                  Sign out
                </button>
              </div>
              {error ? (
                <p className="form-error topbar-error" role="alert">
                  {error}
                </p>
              ) : null}
            </header>
            <main id="main" className="content" ref={mainRef} tabIndex={-1}>
              <Outlet />
            </main>
          </div>
        </div>
      </LivePushProvider>
    </CurrentBrandProvider>
  );
}
