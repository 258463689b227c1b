import { EmptyState, PageHeader } from '../../components/Page.tsx';

export function SignalsPage() {
  return (
    <>
      <PageHeader
        title="Signals"
        description="Posts, articles and mentions from the social web and the news, analysed like AI answers."
      />
      <EmptyState
        icon="◈"
        title="No signals yet"
        upcoming={[
          'Mentions from Reddit, RSS and news feeds, X, Meta and signed webhooks',
          'Which tracked brands each signal mentions, and the sentiment toward each',
          'Live updates as connectors deliver new signals',
        ]}
      >
        <p>No connectors are set up for this workspace yet. Signals will appear here once one is connected.</p>
      </EmptyState>
    </>
  );
}
