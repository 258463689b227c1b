import { analyzeText, compileEntities } from '../../../shared/analysis/analyze.ts';
import type { AnalyzedAnswer } from '../../../shared/analysis/metrics.ts';
import type { Answer } from '../../../shared/contracts/runs.ts';
import { answerAnalyzedEvent } from '../../../shared/events/builders.ts';
import type { AnswerAnalyzedEvent } from '../../../shared/events/schemas.ts';
import { loadCorpus, loadEntityConfigs } from '../analysis/corpus.ts';

export const TENANT = 'ws_01j9zzzzzzzzzzzzzzzzzzzzzz';
export const BRAND = 'brd_acme';

/**
 * Realistic events: the hand-labelled analysis corpus (largest entity configuration), analysed by the real engine,
 * spread over providers, surfaces, topics, branded flags and two days.
 */
export function corpusEvents(): {
  events: AnswerAnalyzedEvent[];
  answers: (AnalyzedAnswer & { day: string; provider: string })[];
  brandId: string;
} {
  const configs = loadEntityConfigs();
  const corpus = loadCorpus().filter((c) => c.label.kind === 'answer');
  const counts = new Map<string, number>();
  for (const c of corpus) counts.set(c.label.config, (counts.get(c.label.config) ?? 0) + 1);
  const [config] = [...counts.entries()].sort((a, b) => b[1] - a[1])[0] ?? ['', 0];
  const entities = configs[config] ?? [];
  const brandId = entities.find((e) => e.kind === 'brand')?.id ?? entities[0]?.id ?? BRAND;
  const compiled = compileEntities(entities);
  const providers = ['openai', 'anthropic', 'gemini', 'perplexity'] as const;
  const events: AnswerAnalyzedEvent[] = [];
  const answers: (AnalyzedAnswer & { day: string; provider: string })[] = [];
  corpus
    .filter((c) => c.label.config === config)
    .forEach((c, i) => {
      const analysis = analyzeText({ text: c.text, kind: 'answer', citations: c.label.providerCitations }, compiled);
      const provider = providers[i % providers.length] ?? 'openai';
      const day = i % 3 === 0 ? '2025-03-01' : '2025-03-02';
      const branded = i % 4 === 0;
      const answer: Answer = {
        answerId: `ans_${i}`,
        runId: `run_${i % 2}`,
        itemId: `ans_${i}`,
        brandId,
        promptId: `prm_${i % 5}`,
        promptText: 'q',
        provider,
        model: 'm',
        modelVersion: null,
        surface: i % 2 ? 'api' : 'api_web_search',
        locale: 'en-US',
        sampleIndex: 0,
        text: c.text,
        citations: [],
        latencyMs: 10,
        usage: { inputTokens: 10 + i, outputTokens: 100 + i },
        costUsd: 0.0001 * i,
        providerRequestId: null,
        analysisStatus: 'analyzed',
        analysis: null,
        createdAt: `${day}T10:${String(i % 60).padStart(2, '0')}:00.000Z`,
      };
      events.push(
        answerAnalyzedEvent({
          tenantId: TENANT,
          answer,
          promptSetVersion: 1 + (i % 2),
          prompt: { branded, topicId: i % 3 ? 'top_a' : null, intent: 'informational', persona: null },
          analysis,
        }),
      );
      answers.push({ analysis, branded, day, provider });
    });
  return { events, answers, brandId };
}
