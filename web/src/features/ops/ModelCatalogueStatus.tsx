import { PROVIDER_CATALOG, PROVIDERS } from '../../../../shared/contracts/run-settings.ts';
import { QueryState } from '../../components/forms.tsx';
import { useModelCatalogueQuery } from '../providers/models-api.ts';

const time = new Intl.DateTimeFormat(undefined, { dateStyle: 'short', timeStyle: 'short' });
const at = (iso: string | null | undefined) => (iso ? time.format(new Date(iso)) : '—');

/**
 * The model catalogue's last refresh per provider: a models endpoint that failed or answered an unknown shape shows
 * here, with the time of the last good list the offer still comes from.
 */
export function ModelCatalogueStatus() {
  const query = useModelCatalogueQuery();
  return (
    <section className="panel panel--flush" aria-labelledby="ops-model-catalogue" data-testid="ops-model-catalogue">
      <h2 id="ops-model-catalogue" className="ops-heading">
        Model catalogue
      </h2>
      <QueryState query={query} label="the model catalogue">
        {query.data ? (
          <table className="table" aria-label="Model catalogue refresh">
            <thead>
              <tr>
                <th scope="col">Provider</th>
                <th scope="col">Last refresh</th>
                <th scope="col">Status</th>
                <th scope="col">Last good list</th>
                <th scope="col">Models offered</th>
                <th scope="col">Detail</th>
              </tr>
            </thead>
            <tbody>
              {PROVIDERS.map((provider) => {
                const status = query.data.refresh[provider];
                const offered = query.data.providers.find((p) => p.provider === provider)?.models.length ?? 0;
                const outcome = status?.outcome ?? 'never';
                return (
                  <tr key={provider}>
                    <td>{PROVIDER_CATALOG[provider].label}</td>
                    <td>{at(status?.at)}</td>
                    <td>
                      <span
                        className={`ops-status ops-status--${outcome === 'ok' ? 'up' : outcome === 'failed' ? 'down' : 'not_configured'}`}
                      >
                        {outcome === 'failed' ? 'failed: last good list kept' : outcome}
                      </span>
                    </td>
                    <td>{at(status?.lastGoodAt)}</td>
                    <td>{offered}</td>
                    <td className="small">
                      {status?.message ?? (status ? '—' : 'not refreshed yet: the baseline catalogue is offered')}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        ) : null}
      </QueryState>
    </section>
  );
}
