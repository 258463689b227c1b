import { EmptyState, PageHeader } from '../../components/Page.tsx';

export function RunsPage() {
  return (
    <>
      <PageHeader
        title="Runs"
        description="Each run asks AI providers your tracked prompts, several samples per prompt, and analyses the answers."
      />
      <EmptyState
        icon="▶"
        title="No runs yet"
        upcoming={[
          'On-demand and scheduled runs with live progress',
          'Per-provider answer counts, failures and spend',
          'The prompt-set version each run used, so results stay comparable',
        ]}
      >
        <p>Runs start once tracked prompts exist for a brand. Nothing has been run in this workspace yet.</p>
      </EmptyState>
    </>
  );
}
