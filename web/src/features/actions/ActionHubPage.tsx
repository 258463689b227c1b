import { EmptyState, PageHeader } from '../../components/Page.tsx';

export function ActionHubPage() {
  return (
    <>
      <PageHeader
        title="Action Hub"
        description="Prioritized, evidence-backed things to do about how AI assistants and the social web describe your brand."
      />
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
