import { NavLink, Outlet } from 'react-router';

const ADMIN_NAV = [
  { to: '/admin', label: 'Overview', end: true },
  { to: '/admin/brands', label: 'Brands', end: false },
  { to: '/admin/prompts', label: 'Prompt sets', end: false },
  { to: '/admin/providers', label: 'Providers & budgets', end: false },
  { to: '/admin/members', label: 'Members', end: false },
  { to: '/admin/connectors', label: 'Connectors', end: false },
  { to: '/admin/integrations', label: 'Integrations', end: false },
  { to: '/admin/audit', label: 'Audit log', end: false },
  { to: '/admin/operations', label: 'Operations', end: false },
  { to: '/admin/reanalysis', label: 'Re-analysis', end: false },
] as const;

/** Admin area: a sub-navigation over the workspace settings pages. */
export function AdminLayout() {
  return (
    <div className="admin">
      <nav aria-label="Admin" className="subnav">
        <ul>
          {ADMIN_NAV.map((item) => (
            <li key={item.to}>
              <NavLink to={item.to} end={item.end} className="subnav-link">
                {item.label}
              </NavLink>
            </li>
          ))}
        </ul>
      </nav>
      <Outlet />
    </div>
  );
}
