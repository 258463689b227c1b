import { roleAtLeast } from '../../../../shared/domain/roles.ts';
import { useSession } from '../../auth/session.tsx';
import { EmptyState, PageHeader } from '../../components/Page.tsx';

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
      <EmptyState
        icon="⚙"
        title="Nothing else to manage yet"
        upcoming={[
          'Brands, aliases, owned domains, competitors and topics',
          'Members and their roles (owner, admin, analyst, viewer)',
          'Connectors, CRM and marketing integrations',
          'Spend caps for AI provider calls, per day and per month',
        ]}
      >
        <p>These settings arrive with the features that use them.</p>
      </EmptyState>
    </>
  );
}
