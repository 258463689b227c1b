import { Link } from 'react-router';
import { useBrands } from '../../api/queries.ts';
import { usePermissions } from '../../auth/permissions.ts';
import { QueryState, ReadOnlyHint } from '../../components/forms.tsx';
import { EmptyState, PageHeader } from '../../components/Page.tsx';
import { RunNowButton } from '../runs/RunNowButton.tsx';

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export function BrandsAdminPage() {
  const brands = useBrands();
  const { canManage, role } = usePermissions();
  return (
    <>
      <PageHeader title="Brands" description="The brands this workspace tracks, with their competitors and topics.">
        {canManage ? (
          <Link to="/setup?mode=add" className="button button--primary">
            Add brand
          </Link>
        ) : null}
      </PageHeader>
      {!canManage ? <ReadOnlyHint role={role} what="only owners and admins change brands" /> : null}
      <QueryState query={brands} label="brands">
        {brands.data && brands.data.items.length === 0 ? (
          <EmptyState icon="◆" title="No brands yet">
            <p>
              {canManage
                ? 'Add your first brand to start tracking what AI assistants say about it.'
                : 'An owner or admin of this workspace has not added a brand yet.'}
            </p>
          </EmptyState>
        ) : (
          <div className="panel panel--flush">
            <table className="table" aria-label="Brands">
              <thead>
                <tr>
                  <th scope="col">Brand</th>
                  <th scope="col">Category</th>
                  <th scope="col">Competitors</th>
                  <th scope="col">Topics</th>
                  <th scope="col">Prompt set</th>
                  <th scope="col">Updated</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {brands.data?.items.map((b) => (
                  <tr key={b.id}>
                    <td>
                      <strong>{b.name}</strong>
                    </td>
                    <td>{b.category}</td>
                    <td>{b.competitorCount}</td>
                    <td>{b.topicCount}</td>
                    <td>{b.promptSetVersion > 0 ? `v${b.promptSetVersion}` : 'none yet'}</td>
                    <td>
                      <time dateTime={b.updatedAt}>{dateTime.format(new Date(b.updatedAt))}</time>
                    </td>
                    <td>
                      <div className="button-row">
                        <Link to={`/admin/brands/${b.id}`} className="button button--ghost button--small">
                          {canManage ? `Edit ${b.name}` : `View ${b.name}`}
                        </Link>
                        <Link
                          to={`/runs?brand=${encodeURIComponent(b.id)}`}
                          className="button button--ghost button--small"
                        >
                          Runs
                        </Link>
                        <RunNowButton brandId={b.id} brandName={b.name} small nameInLabel />
                      </div>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </QueryState>
    </>
  );
}
