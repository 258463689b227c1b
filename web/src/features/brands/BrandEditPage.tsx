import { type FormEvent, useEffect, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import type { Brand } from '../../../../shared/contracts/index.ts';
import { apiFieldErrors, type FieldErrors, isVersionConflict } from '../../api/errors.ts';
import { useBrand, useDeleteBrand, useUpdateBrand } from '../../api/queries.ts';
import { usePermissions } from '../../auth/permissions.ts';
import { ErrorBanner, QueryState, ReadOnlyHint } from '../../components/forms.tsx';
import { PageHeader } from '../../components/Page.tsx';
import { RunNowButton } from '../runs/RunNowButton.tsx';
import { BrandBasicsFields, BrandSummaryView, CompetitorsEditor, TopicsEditor } from './BrandFields.tsx';
import { type BrandDraft, brandToDraft, draftToInput, validateBrand } from './brand-draft.ts';

export function BrandEditPage() {
  const { brandId = '' } = useParams();
  const brand = useBrand(brandId);
  const { canManage, role } = usePermissions();
  return (
    <>
      <PageHeader
        title={brand.data ? brand.data.name : 'Brand'}
        description="Name, aliases, owned domains and markets; the competitors and topics tracked with it."
      >
        <Link to="/admin/brands" className="button button--ghost">
          All brands
        </Link>
        {brand.data ? <RunNowButton brandId={brand.data.id} brandName={brand.data.name} /> : null}
      </PageHeader>
      <QueryState query={brand} label="the brand">
        {brand.data ? (
          canManage ? (
            <BrandEditor key={`${brand.data.id}`} brand={brand.data} onReload={() => void brand.refetch()} />
          ) : (
            <>
              <ReadOnlyHint role={role} what="only owners and admins change brands" />
              <section className="panel">
                <BrandSummaryView brand={brand.data} />
              </section>
            </>
          )
        ) : null}
      </QueryState>
    </>
  );
}

function BrandEditor({ brand, onReload }: { brand: Brand; onReload: () => void }) {
  const [draft, setDraft] = useState<BrandDraft>(() => brandToDraft(brand));
  const [baseVersion, setBaseVersion] = useState(brand.version);
  const [clientErrors, setClientErrors] = useState<FieldErrors>({});
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [saved, setSaved] = useState(false);
  const updateBrand = useUpdateBrand();
  const deleteBrand = useDeleteBrand();
  const navigate = useNavigate();

  // After "reload" (someone else's change), start again from the fresh brand.
  useEffect(() => {
    if (brand.version !== baseVersion && !updateBrand.isPending) {
      setDraft(brandToDraft(brand));
      setBaseVersion(brand.version);
      updateBrand.reset();
    }
  }, [brand, baseVersion, updateBrand]);

  const errors = { ...apiFieldErrors(updateBrand.error), ...clientErrors };
  const patch = (p: Partial<BrandDraft>) => {
    setSaved(false);
    setDraft((d) => ({ ...d, ...p }));
  };

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    const found = validateBrand(draft);
    setClientErrors(found);
    if (Object.keys(found).length > 0) return;
    updateBrand.mutate(
      { brandId: brand.id, input: draftToInput(draft), version: baseVersion },
      {
        onSuccess: (next) => {
          setDraft(brandToDraft(next));
          setBaseVersion(next.version);
          setSaved(true);
        },
      },
    );
  }

  return (
    <form onSubmit={onSubmit} noValidate className="stack">
      <section className="panel">
        <h2>Brand</h2>
        <BrandBasicsFields draft={draft} onChange={patch} errors={errors} />
      </section>
      <section className="panel">
        <h2>Competitors</h2>
        <CompetitorsEditor
          competitors={draft.competitors}
          onChange={(competitors) => patch({ competitors })}
          errors={errors}
        />
      </section>
      <section className="panel">
        <h2>Topics</h2>
        <TopicsEditor topics={draft.topics} onChange={(topics) => patch({ topics })} errors={errors} />
      </section>
      <ErrorBanner error={updateBrand.error} title="Your changes were not saved.">
        {isVersionConflict(updateBrand.error) ? (
          <button type="button" className="button button--ghost button--small" onClick={onReload}>
            Reload brand
          </button>
        ) : null}
      </ErrorBanner>
      <div className="form-actions sticky-actions">
        <button type="submit" className="button button--primary" disabled={updateBrand.isPending}>
          {updateBrand.isPending ? 'Saving…' : 'Save changes'}
        </button>
        <span className="muted" role="status">
          {saved ? 'Saved.' : ''}
        </span>
        <span className="spacer" />
        <button type="button" className="button button--danger" onClick={() => setConfirmDelete(true)}>
          Delete brand
        </button>
      </div>
      {confirmDelete ? (
        <div className="confirm" role="alertdialog" aria-labelledby="confirm-delete-title">
          <p id="confirm-delete-title">
            Delete <strong>{brand.name}</strong> with its competitors, topics and prompt sets? This cannot be undone.
          </p>
          <ErrorBanner error={deleteBrand.error} />
          <div className="form-actions">
            <button
              type="button"
              className="button button--danger"
              disabled={deleteBrand.isPending}
              onClick={() =>
                deleteBrand.mutate(
                  { brandId: brand.id, version: baseVersion },
                  { onSuccess: () => navigate('/admin/brands', { replace: true }) },
                )
              }
            >
              Yes, delete {brand.name}
            </button>
            <button type="button" className="button button--ghost" onClick={() => setConfirmDelete(false)}>
              Cancel
            </button>
          </div>
        </div>
      ) : null}
    </form>
  );
}
