import { roleAllows } from '../../../shared/domain/roles.ts';
import { useSession } from './session.tsx';

/**
 * What the caller's role lets them change, mirroring the API's route rules. The UI hides controls the API
 * would refuse; the API stays the authority.
 */
export function usePermissions() {
  const { workspace } = useSession();
  const role = workspace.role;
  return {
    role,
    /** Brands, run settings, spend caps, members: owner and admin. */
    canManage: roleAllows(role, ['owner', 'admin']),
    /** Prompt sets, suggestions, CSV import: owner, admin and analyst. */
    canEditPrompts: roleAllows(role, ['owner', 'admin', 'analyst']),
    /** Start ("Run now") and cancel runs: owner, admin and analyst. */
    canRun: roleAllows(role, ['owner', 'admin', 'analyst']),
    /** The audit log: owner and admin. */
    canReadAudit: roleAllows(role, ['owner', 'admin']),
    /** Only owners may make someone an owner. */
    canGrantOwner: role === 'owner',
  };
}
