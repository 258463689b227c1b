import { type FormEvent, useState } from 'react';
import { InviteMemberRequestSchema, type MemberView } from '../../../../shared/contracts/index.ts';
import { ROLES, type Role } from '../../../../shared/domain/roles.ts';
import { apiFieldErrors, type FieldErrors, fieldErrorsFrom, isApiError } from '../../api/errors.ts';
import { useInviteMember, useMembers, useRemoveMember, useUpdateMemberRole } from '../../api/queries.ts';
import { usePermissions } from '../../auth/permissions.ts';
import { useSession } from '../../auth/session.tsx';
import { ErrorBanner, QueryState, ReadOnlyHint, SelectField, TextField } from '../../components/forms.tsx';
import { PageHeader } from '../../components/Page.tsx';

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });
const ROLE_LABEL: Record<Role, string> = { owner: 'Owner', admin: 'Admin', analyst: 'Analyst', viewer: 'Viewer' };
const ROLE_HELP: Record<Role, string> = {
  owner: 'everything, including owners and billing',
  admin: 'brands, providers, budgets, members',
  analyst: 'prompt sets and analysis',
  viewer: 'read-only',
};

type Pending = { kind: 'role'; member: MemberView; role: Role } | { kind: 'remove'; member: MemberView } | null;

export function MembersAdminPage() {
  const members = useMembers();
  const { canManage, canGrantOwner, role } = usePermissions();
  const { me } = useSession();
  const [pending, setPending] = useState<Pending>(null);
  const updateRole = useUpdateMemberRole();
  const remove = useRemoveMember();
  const items = members.data?.pages.flatMap((p) => p.items) ?? [];
  const ownerCount = items.filter((m) => m.role === 'owner').length;
  const grantable = ROLES.filter((r) => canGrantOwner || r !== 'owner');
  const actionError = updateRole.error ?? remove.error;
  const lastOwnerError = isApiError(actionError) && actionError.code === 'last_owner';

  function confirm() {
    if (!pending) return;
    const done = { onSuccess: () => setPending(null) };
    if (pending.kind === 'role') {
      updateRole.mutate({ userId: pending.member.userId, role: pending.role, version: pending.member.version }, done);
    } else {
      remove.mutate(pending.member.userId, done);
    }
  }

  return (
    <>
      <PageHeader title="Members" description="Who can see and change this workspace, and with which role." />
      {!canManage ? <ReadOnlyHint role={role} what="only owners and admins manage members" /> : null}
      {canManage ? <InviteForm grantable={grantable} /> : null}
      <section className="panel panel--flush" aria-labelledby="members-title">
        <h2 id="members-title" className="panel-title">
          People in this workspace
        </h2>
        <QueryState query={members} label="members">
          {items.length === 0 ? (
            <p className="muted panel-pad">No members.</p>
          ) : (
            <table className="table" aria-label="Members">
              <thead>
                <tr>
                  <th scope="col">Email</th>
                  <th scope="col">Role</th>
                  <th scope="col">Status</th>
                  <th scope="col">Joined</th>
                  {canManage ? (
                    <th scope="col">
                      <span className="visually-hidden">Actions</span>
                    </th>
                  ) : null}
                </tr>
              </thead>
              <tbody>
                {items.map((m) => {
                  const isSelf = m.userId === me.userId;
                  // Admins cannot change owners; nobody but an owner grants ownership.
                  const editable = canManage && (canGrantOwner || m.role !== 'owner');
                  const soleOwner = m.role === 'owner' && ownerCount === 1 && !members.hasNextPage;
                  return (
                    <tr key={m.userId}>
                      <td>
                        {m.email}
                        {isSelf ? <span className="muted"> (you)</span> : null}
                      </td>
                      <td>
                        {editable ? (
                          <select
                            aria-label={`Role of ${m.email}`}
                            value={m.role}
                            onChange={(e) => setPending({ kind: 'role', member: m, role: e.target.value as Role })}
                          >
                            {(grantable.includes(m.role) ? grantable : [m.role, ...grantable]).map((r) => (
                              <option key={r} value={r}>
                                {ROLE_LABEL[r]}
                              </option>
                            ))}
                          </select>
                        ) : (
                          ROLE_LABEL[m.role]
                        )}
                        {soleOwner ? (
                          <p className="field-hint">The only owner: make someone else an owner before changing this.</p>
                        ) : null}
                      </td>
                      <td>
                        <span className={`status status--${m.status}`}>
                          {m.status === 'invited' ? 'Invited' : 'Active'}
                        </span>
                      </td>
                      <td>{dateFormat.format(new Date(m.joinedAt))}</td>
                      {canManage ? (
                        <td>
                          {editable ? (
                            <button
                              type="button"
                              className="button button--ghost button--small"
                              onClick={() => setPending({ kind: 'remove', member: m })}
                              aria-label={`Remove ${m.email}`}
                            >
                              Remove
                            </button>
                          ) : null}
                        </td>
                      ) : null}
                    </tr>
                  );
                })}
              </tbody>
            </table>
          )}
          {members.hasNextPage ? (
            <button
              type="button"
              className="button button--ghost button--small"
              onClick={() => void members.fetchNextPage()}
              disabled={members.isFetchingNextPage}
            >
              Load more members
            </button>
          ) : null}
        </QueryState>
      </section>
      {pending ? (
        <div className="confirm" role="alertdialog" aria-labelledby="member-confirm-title">
          <p id="member-confirm-title">
            {pending.kind === 'role' ? (
              <>
                Change <strong>{pending.member.email}</strong> from {ROLE_LABEL[pending.member.role]} to{' '}
                <strong>{ROLE_LABEL[pending.role]}</strong> ({ROLE_HELP[pending.role]})?
              </>
            ) : (
              <>
                Remove <strong>{pending.member.email}</strong> from this workspace? They lose access immediately.
              </>
            )}
          </p>
          {lastOwnerError ? (
            <p className="form-error" role="alert">
              {pending.member.email} is the last owner. A workspace always needs an owner: make someone else an owner
              first.
            </p>
          ) : (
            <ErrorBanner error={actionError} />
          )}
          <div className="form-actions">
            <button
              type="button"
              className={`button ${pending.kind === 'remove' ? 'button--danger' : 'button--primary'}`}
              onClick={confirm}
              disabled={updateRole.isPending || remove.isPending}
            >
              {pending.kind === 'role' ? 'Change role' : 'Remove member'}
            </button>
            <button
              type="button"
              className="button button--ghost"
              onClick={() => {
                setPending(null);
                updateRole.reset();
                remove.reset();
              }}
            >
              Cancel
            </button>
          </div>
        </div>
      ) : null}
    </>
  );
}

function InviteForm({ grantable }: { grantable: readonly Role[] }) {
  const invite = useInviteMember();
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('analyst');
  const [clientErrors, setClientErrors] = useState<FieldErrors>({});
  const errors = { ...apiFieldErrors(invite.error), ...clientErrors };

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    const parsed = InviteMemberRequestSchema.safeParse({ email, role });
    if (!parsed.success) {
      setClientErrors(fieldErrorsFrom(parsed.error.issues));
      return;
    }
    setClientErrors({});
    invite.mutate(parsed.data, { onSuccess: () => setEmail('') });
  }

  return (
    <section className="panel" aria-labelledby="invite-title">
      <h2 id="invite-title">Invite a colleague</h2>
      <form className="inline-form" onSubmit={onSubmit} noValidate>
        <TextField
          label="Email"
          type="email"
          value={email}
          onChange={setEmail}
          errors={errors['email'] ? [errors['email']] : []}
          autoComplete="email"
        />
        <SelectField<Role>
          label="Role"
          value={role}
          onChange={setRole}
          options={grantable.map((r) => ({ value: r, label: `${ROLE_LABEL[r]} — ${ROLE_HELP[r]}` }))}
          errors={errors['role'] ? [errors['role']] : []}
        />
        <button type="submit" className="button button--primary" disabled={invite.isPending}>
          {invite.isPending ? 'Inviting…' : 'Send invitation'}
        </button>
      </form>
      <ErrorBanner error={invite.error} title="The invitation was not sent." />
      {invite.isSuccess ? (
        <p role="status" className="success">
          Invited {invite.data.email} as {ROLE_LABEL[invite.data.role]}.
        </p>
      ) : null}
    </section>
  );
}
