import type { NormalizedItem, PollRequest, PollResult, SignalConnector } from '#shared/ports/signal-connector.ts';
import { loadLanguageDetector } from '#shared/signals/language.ts';

/**
 * Every pull connector's items leave with a language when one can be told: the source's own tag when it gave one
 * (`languageSource: 'source'`), else detected from the title and text (`'detected'`), else null. One place for all
 * sources, so Reddit and Meta (which never tag) and untagged feed items and tweets are treated alike.
 */
export async function withLanguages(items: NormalizedItem[]): Promise<NormalizedItem[]> {
  if (items.every((item) => item.language)) {
    return items.map((item) => ({ ...item, languageSource: 'source' as const }));
  }
  const detect = await loadLanguageDetector();
  return items.map((item) => {
    if (item.language) return { ...item, languageSource: 'source' as const };
    const language = detect(item.title ? `${item.title}\n${item.text}` : item.text);
    return { ...item, language, languageSource: language ? ('detected' as const) : null };
  });
}

/** Wraps a connector so its pages come out with languages (see `withLanguages`). */
export function detectingLanguages(connector: SignalConnector): SignalConnector {
  return {
    source: connector.source,
    poll: async (request: PollRequest) => {
      const page: PollResult = await connector.poll(request);
      return { ...page, items: await withLanguages(page.items) };
    },
  };
}
