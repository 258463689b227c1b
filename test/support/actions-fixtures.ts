import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { localKinesisClient } from '../../local/emulators/kinesis.ts';
import { analyzeText, compileEntities } from '../../shared/analysis/analyze.ts';
import type { Brand } from '../../shared/contracts/brands.ts';
import type { Answer } from '../../shared/contracts/runs.ts';
import { toTrackedEntities } from '../../shared/domain/tracked-entities.ts';
import { answerAnalyzedEvent } from '../../shared/events/builders.ts';
import { RESOURCE_NAMES } from '../../shared/infra/resources.ts';

/**
 * Plants a history of analysed answers for a brand on the real event stream (kinesalite), exactly as the fan-out
 * publishes them: the aggregation consumer counts them into the rollups the engine reads. `brandShare` and
 * `competitorShare` of the `count` non-branded answers on `provider` mention the brand / its first competitor.
 * The texts are analysed by the real analysis engine, so mentions, ranks and sentiment are genuine. The answers are
 * spread over the `days` (default 5) consecutive days ending at `day`: the engine treats days as the unit of noise
 * and wants a finding to hold on consecutive days, so a history on one day is "too little data" by design.
 */
export async function plantAnswerHistory(options: {
  kinesisEndpoint: string;
  tenantId: string;
  brand: Brand;
  day: string;
  provider?: 'openai' | 'anthropic' | 'gemini' | 'perplexity';
  count: number;
  brandMentions: number;
  competitorMentions: number;
  tag: string;
  days?: number;
}): Promise<number> {
  const days = options.days ?? 5;
  const dayOf = (i: number) =>
    new Date(Date.parse(`${options.day}T00:00:00Z`) - (i % days) * 86_400_000).toISOString().slice(0, 10);
  const { brand } = options;
  const competitor = brand.competitors[0];
  if (!competitor) throw new Error('the brand needs a competitor');
  const compiled = compileEntities(toTrackedEntities(brand));
  const events = Array.from({ length: options.count }, (_, i) => {
    const parts = ['For product analytics, teams usually compare a few tools.'];
    if (i < options.competitorMentions) parts.push(`${competitor.name} is a strong choice with many integrations.`);
    if (i >= options.count - options.brandMentions) parts.push(`${brand.name} is also worth a look.`);
    const text = parts.join(' ');
    const answerId = `run_planted${options.tag}.${i}`;
    const answer: Answer = {
      answerId,
      runId: `run_planted${options.tag}`,
      itemId: answerId,
      brandId: brand.id,
      promptId: `prm_planted${i % 4}`,
      promptText: 'Which product analytics tool should we pick?',
      provider: options.provider ?? 'openai',
      model: 'gpt-4.1-mini',
      modelVersion: null,
      surface: 'api',
      locale: 'en-US',
      sampleIndex: i,
      text,
      citations: [],
      latencyMs: 100,
      usage: { inputTokens: 10, outputTokens: 50 },
      costUsd: 0,
      providerRequestId: null,
      analysisStatus: 'analyzed',
      analysis: null,
      createdAt: `${dayOf(i)}T10:00:${String(i % 60).padStart(2, '0')}.000Z`,
    };
    return answerAnalyzedEvent({
      tenantId: options.tenantId,
      answer,
      promptSetVersion: 1,
      prompt: { branded: false, topicId: null, intent: 'informational', persona: null },
      analysis: analyzeText(text, compiled),
    });
  });
  const kinesis = localKinesisClient(options.kinesisEndpoint);
  try {
    for (let i = 0; i < events.length; i += 100) {
      await kinesis.send(
        new PutRecordsCommand({
          StreamName: RESOURCE_NAMES.eventStream,
          Records: events.slice(i, i + 100).map((e) => ({
            PartitionKey: `${options.tenantId}#${brand.id}`,
            Data: new TextEncoder().encode(JSON.stringify(e)),
          })),
        }),
      );
    }
  } finally {
    kinesis.destroy();
  }
  return events.length;
}

export const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);
