import { Link, Navigate, useLocation } from 'react-router';
import { usePermissions } from '../../auth/permissions.ts';
import { EmptyState, PageHeader } from '../../components/Page.tsx';
import { useCurrentBrand } from '../brands/current-brand.tsx';
import { RunNowButton } from '../runs/RunNowButton.tsx';

export function ActionHubPage() {
  const { brands, brand } = useCurrentBrand();
  const { canManage } = usePermissions();
  const location = useLocation();
  const justFinished = (location.state as { setupComplete?: string } | null)?.setupComplete;

  // A workspace without any brand starts with the setup wizard (for those who may create brands).
  if (brands && brands.length === 0 && canManage) return <Navigate to="/setup" replace />;

  return (
    <>
      <PageHeader
        title="Action Hub"
        description="Prioritized, evidence-backed things to do about how AI assistants and the social web describe your brand."
      >
        {brand ? <RunNowButton brandId={brand.id} brandName={brand.name} /> : null}
      </PageHeader>
      {justFinished ? (
        <p className="notice notice--success" role="status">
          <strong>{justFinished}</strong> is set up. <strong>Run now</strong> collects the first answers (or wait for
          the schedule); actions appear here once they are analysed.
        </p>
      ) : null}
      {brands && brands.length === 0 && !canManage ? (
        <p className="notice">No brand has been set up in this workspace yet. An owner or admin can add one.</p>
      ) : null}
      {brand && brand.promptSetVersion === 0 ? (
        <p className="notice">
          <strong>{brand.name}</strong> has no tracked prompts yet. <Link to="/admin/prompts">Add prompts</Link> so runs
          have something to ask.
        </p>
      ) : null}
      <EmptyState
        icon="◎"
        title="No actions yet"
        upcoming={[
          'Content gaps: prompts where assistants answer without mentioning your brand',
          'Competitor gaps: prompts where a competitor is named and you are not',
          'Negative-sentiment swings, with the answers and posts that caused them',
          'Source and citation opportunities: pages assistants cite that could mention you',
          'Whether each completed action actually moved its metric',
        ]}
      >
        <p>
          Actions are raised from analysed AI answers and social signals. Once your brands, competitors and tracked
          prompts are set up and the first runs have completed, this becomes your home page.
        </p>
      </EmptyState>
    </>
  );
}
