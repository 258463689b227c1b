import { EmptyState, PageHeader } from '../../components/Page.tsx';

/** Metric definitions shown as help; they match the definitions the analysis code implements. */
const METRICS: readonly { name: string; definition: string }[] = [
  {
    name: 'Mention rate (visibility)',
    definition: 'Share of analysed answers that mention the brand. Every competitor uses the same denominator.',
  },
  {
    name: 'Share of voice',
    definition:
      'Brand mentions divided by mentions of all tracked brands (yours and competitors), on non-branded prompts by default. Empty when no tracked brand appears.',
  },
  {
    name: 'Average position',
    definition: 'Mean rank of the brand’s first mention among tracked brands, in answers that mention it.',
  },
  {
    name: 'Sentiment',
    definition: 'Mean per-mention sentiment toward the brand, from −1 to 1, over answers that mention it.',
  },
  {
    name: 'Citation share and consistency',
    definition:
      'Citations to your owned domains over all citations; and the share of answers citing at least one owned domain.',
  },
  {
    name: 'Uncertainty',
    definition:
      'Every rate is shown with its sample size and a 95% Wilson interval; changes inside the noise are marked as such.',
  },
];

export function AnalyticsPage() {
  return (
    <>
      <PageHeader
        title="Analytics"
        description="How often, how early and how favourably AI assistants mention you compared with your competitors."
      />
      <EmptyState
        icon="▤"
        title="No analysed answers yet"
        upcoming={[
          'Visibility score and trends per brand, provider and period',
          'Share of voice against each competitor',
          'Sentiment and citation breakdowns, with the answers behind every number',
        ]}
      >
        <p>
          Metrics are computed from AI answers to your tracked prompts. There are no runs in this workspace yet, so
          there is nothing to chart — PromptPulse never shows estimated or sample figures.
        </p>
      </EmptyState>
      <section className="panel" aria-labelledby="metric-help-title">
        <h2 id="metric-help-title">How the metrics are defined</h2>
        <dl className="definition-list">
          {METRICS.map((metric) => (
            <div key={metric.name}>
              <dt>{metric.name}</dt>
              <dd>{metric.definition}</dd>
            </div>
          ))}
        </dl>
      </section>
    </>
  );
}
