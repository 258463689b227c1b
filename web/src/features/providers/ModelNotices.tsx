import { PROVIDER_CATALOG } from '../../../../shared/contracts/run-settings.ts';
import { ErrorBanner } from '../../components/forms.tsx';
import { useMigrateModel, useModelNotices } from './models-api.ts';

/**
 * Retirement notices for the models this workspace uses (30 and 7 days before, and once retired), each with one
 * click to move every brand using it, schedules included, to the successor: audited, and recorded as a new
 * prompt-set version so Analytics shows where the model changed.
 */
export function ModelNotices({ canManage }: { canManage: boolean }) {
  const notices = useModelNotices(canManage);
  const migrate = useMigrateModel();
  const list = notices.data?.notices ?? [];
  if (!canManage || list.length === 0) return null;
  return (
    <section className="panel" aria-labelledby="model-notices-title" data-testid="model-notices">
      <h2 id="model-notices-title">Model retirements</h2>
      <ul className="rows">
        {list.map((n) => {
          const label = PROVIDER_CATALOG[n.provider].label;
          const when =
            n.level === 'retired'
              ? `was retired on ${n.retiresOn}: runs naming it are refused`
              : `retires on ${n.retiresOn} (in ${n.daysLeft} day${n.daysLeft === 1 ? '' : 's'})`;
          return (
            <li key={`${n.provider}/${n.model}`} className="row" role="alert">
              <span>
                <strong>
                  {label} · {n.model}
                </strong>{' '}
                {when}. Used by {n.brandIds.length} brand{n.brandIds.length === 1 ? '' : 's'}.
                {n.successor
                  ? ` Suggested successor: ${n.successor}.`
                  : ' No successor is named: choose another model below.'}
              </span>
              {n.successor ? (
                <button
                  type="button"
                  className="button"
                  disabled={migrate.isPending}
                  onClick={() => migrate.mutate({ provider: n.provider, from: n.model, to: n.successor ?? undefined })}
                >
                  Move to {n.successor}
                </button>
              ) : null}
            </li>
          );
        })}
      </ul>
      {migrate.data ? (
        <p role="status">
          Moved {migrate.data.brands.length} brand{migrate.data.brands.length === 1 ? '' : 's'} from {migrate.data.from}{' '}
          to {migrate.data.to}; each has a new prompt-set version marking the change.
        </p>
      ) : null}
      <ErrorBanner error={migrate.error} title="The move did not complete" />
    </section>
  );
}
