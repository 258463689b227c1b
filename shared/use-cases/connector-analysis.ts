import { createAnalyzer } from '../analysis/index.ts';
import type { Brand } from '../contracts/brands.ts';
import { toTrackedEntities } from '../domain/tracked-entities.ts';
import { signalAnalysisText, signalObservedEvent } from '../events/builders.ts';
import type { SignalObservedEvent } from '../events/schemas.ts';
import type { TextAnalyzer } from '../ports/analysis.ts';
import type { NormalizedItem } from '../ports/signal-connector.ts';

/** Analysers per brand configuration version: compiling the entities once per container is the expensive part. */
export class BrandAnalyzers {
  private readonly cache = new Map<string, TextAnalyzer>();
  analyzer(tenantId: string, brand: Brand): TextAnalyzer {
    const key = `${tenantId}|${brand.id}|${brand.version}`;
    let analyzer = this.cache.get(key);
    if (!analyzer) {
      if (this.cache.size > 200) this.cache.clear();
      analyzer = createAnalyzer(toTrackedEntities(brand));
      this.cache.set(key, analyzer);
    }
    return analyzer;
  }
}

/** Normalised items → analysed signal.observed events (the title is analysed with the body). */
export function toSignalEvents(
  analyzer: TextAnalyzer,
  context: { tenantId: string; brandId: string; connectorId: string; observedAt: string },
  items: readonly NormalizedItem[],
): SignalObservedEvent[] {
  return items.map((item) =>
    signalObservedEvent({
      ...context,
      item,
      analysis: analyzer.analyze({ text: signalAnalysisText(item), kind: item.kind === 'article' ? 'news' : 'social' }),
    }),
  );
}
