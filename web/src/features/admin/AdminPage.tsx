import { Link } from 'react-router';
import { roleAtLeast } from '../../../../shared/domain/roles.ts';
import { useSession } from '../../auth/session.tsx';
import { PageHeader } from '../../components/Page.tsx';
import { DangerZone } from './DangerZone.tsx';
import { RetentionSettingsPanel } from './RetentionSettingsPanel.tsx';

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'long' });

export function AdminPage() {
  const { me, workspace } = useSession();
  const canManage = roleAtLeast(workspace.role, 'admin');
  return (
    <>
      <PageHeader title="Admin" description="Your workspace, its members, integrations and spending limits." />
      {!canManage ? (
        <p className="notice">
          You are a <strong>{workspace.role}</strong> in this workspace: you can see these settings, but only owners and
          admins can change them.
        </p>
      ) : null}
      <section className="panel" aria-labelledby="workspace-facts-title">
        <h2 id="workspace-facts-title">Workspace</h2>
        <dl className="facts">
          <div>
            <dt>Name</dt>
            <dd>{workspace.name}</dd>
          </div>
          <div>
            <dt>Plan</dt>
            <dd className="capitalize">{workspace.plan}</dd>
          </div>
          <div>
            <dt>Created</dt>
            <dd>
              <time dateTime={workspace.createdAt}>{dateFormat.format(new Date(workspace.createdAt))}</time>
            </dd>
          </div>
          <div>
            <dt>Workspace ID</dt>
            <dd>
              <code>{workspace.id}</code>
            </dd>
          </div>
          <div>
            <dt>Your role</dt>
            <dd className="capitalize">{workspace.role}</dd>
          </div>
          <div>
            <dt>Signed in as</dt>
            <dd>{me.email ?? me.userId}</dd>
          </div>
        </dl>
      </section>
      <section className="panel" aria-labelledby="admin-areas-title">
        <h2 id="admin-areas-title">Settings</h2>
        <ul className="link-list">
          <li>
            <Link to="/admin/brands">Brands</Link> — brands, aliases, owned domains, competitors and topics
          </li>
          <li>
            <Link to="/admin/prompts">Prompt sets</Link> — tracked prompts, version history, diff, CSV import/export
          </li>
          <li>
            <Link to="/admin/providers">Providers &amp; budgets</Link> — AI providers, samples, schedules, spend caps
          </li>
          <li>
            <Link to="/admin/members">Members</Link> — who has access, with which role
          </li>
          <li>
            <Link to="/admin/audit">Audit log</Link> — who changed what, and when
          </li>
        </ul>
      </section>
      {workspace.role === 'owner' || workspace.role === 'admin' ? (
        <RetentionSettingsPanel canEdit={workspace.role === 'owner'} />
      ) : null}
      {workspace.role === 'owner' ? <DangerZone workspaceName={workspace.name} /> : null}
    </>
  );
}
