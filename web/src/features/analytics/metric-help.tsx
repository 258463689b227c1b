import { METRICS, UNCERTAINTY_DEFINITION } from './metrics-model.ts';

export function MetricHelp() {
  return (
    <section className="panel" aria-labelledby="metric-help-title">
      <h2 id="metric-help-title">How the metrics are defined</h2>
      <dl className="definition-list">
        {METRICS.map((metric) => (
          <div key={metric.key}>
            <dt>{metric.label}</dt>
            <dd>{metric.definition}</dd>
          </div>
        ))}
        <div>
          <dt>Uncertainty and “inside the noise”</dt>
          <dd>
            {UNCERTAINTY_DEFINITION} A change whose 95% interval contains zero is marked “inside the noise”: it may be
            chance. The visibility score has no interval of its own, so its change is not tested — look at its
            components.
          </dd>
        </div>
      </dl>
    </section>
  );
}
