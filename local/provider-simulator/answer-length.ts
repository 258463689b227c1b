import type { AnswerSurface, ProviderId } from '#shared/ports/ai-provider.ts';
import type { Market } from './market.ts';
import { createRng, shuffled } from './rng.ts';

/**
 * How long real assistants answer a "which tools / compare" prompt, in output tokens: median and log-spread per
 * provider and surface. Chat answers to such prompts run several hundred tokens (Gemini the longest, Perplexity the
 * shortest, web-search answers shorter than plain ones because they lean on sources), with a tail past 1,000. These
 * are assumptions from typical answers to such prompts, not measurements against the live APIs (no keys here); the
 * simulator draws from them so costs, truncation at a low `max_tokens` and the analysis engine's throughput see
 * answers of realistic length instead of ~200 tokens.
 */
const ANSWER_TOKENS: Record<ProviderId, Record<AnswerSurface, { median: number; sigma: number }>> = {
  openai: { api: { median: 650, sigma: 0.35 }, api_web_search: { median: 480, sigma: 0.35 } },
  anthropic: { api: { median: 600, sigma: 0.35 }, api_web_search: { median: 520, sigma: 0.4 } },
  gemini: { api: { median: 900, sigma: 0.4 }, api_web_search: { median: 650, sigma: 0.4 } },
  perplexity: { api: { median: 420, sigma: 0.35 }, api_web_search: { median: 380, sigma: 0.35 } },
};
const MAX_TARGET_TOKENS = 3_000;

/** Bland guidance (no product names, no praise or blame), so added length never changes what the answer says. */
const GUIDANCE = [
  'Start by writing down the two or three problems you need solved this quarter; most teams use a small part of what these products offer, and the shortlist gets shorter once the must-haves are clear.',
  'Ask each vendor for a trial on your own data rather than a demo account. The set-up effort, the time to a first useful report and the questions your team asks during the trial say more than a feature list.',
  'Check how pricing scales with your usage over the next two years, not only today. Per-seat, per-event and percentage-based models can diverge a lot as a team or a bill grows.',
  'Look at how the product fits the rest of your stack: identity and single sign-on, data export, an API for automation and the integrations you already rely on.',
  'Involve the people who will use it every day in the evaluation. Adoption usually decides whether a tool pays off more than any single capability does.',
  'Review the security documentation: where data is stored, certifications such as SOC 2 or ISO 27001, data retention options and how access is audited.',
  'Ask for references from companies of a similar size and industry, and read recent reviews on independent sites to see how support and the roadmap have held up.',
  'Plan the migration: what history you need to bring over, who owns the set-up, and how long both systems will run side by side.',
  'Decide up front how you will measure success after three and six months, so the decision can be revisited with numbers rather than impressions.',
  'Contract terms matter as much as list prices: notice periods, price caps on renewal and the ability to change plans mid-term are worth negotiating.',
];

/** Questions to put to vendors, per criterion of the market (long answers list several). */
const QUESTIONS = [
  (c: string) => `How is ${c} handled in practice, and can you show it on our own data during the trial?`,
  (c: string) => `What does ${c} cost at our expected volume in one and in three years?`,
  (c: string) => `Which customers of our size rely on ${c} today, and may we speak to one of them?`,
  (c: string) => `What changed in ${c} over the last four releases, and what is planned next?`,
];

/** The answer's token target for this request: a log-normal draw from its own stream (the answer's draws stay put). */
export function answerTokenTarget(
  seedKey: string,
  provider: ProviderId,
  surface: AnswerSurface,
): { target: number; rng: () => number } {
  const rng = createRng(`${seedKey}|length`);
  const u1 = Math.max(rng(), 1e-12);
  const u2 = rng();
  const z = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  const { median, sigma } = ANSWER_TOKENS[provider][surface];
  return { target: Math.min(MAX_TARGET_TOKENS, Math.round(median * Math.exp(sigma * z))), rng };
}

/**
 * Lines to insert before the closing remark so the answer reaches its drawn length: a "how to choose" section from
 * the market's criteria, then general guidance, both free of product names. Returns no lines when the answer is
 * already long enough.
 */
export function lengthening(
  market: Pick<Market, 'criteria'>,
  currentTokens: number,
  target: { target: number; rng: () => number },
): string[] {
  if (currentTokens >= target.target) return [];
  const lines: string[] = ['', '### How to choose', ''];
  let tokens = currentTokens + 6;
  const add = (line: string) => {
    lines.push(line);
    tokens += Math.ceil(line.length / 4);
  };
  for (const criterion of market.criteria) {
    if (tokens >= target.target) break;
    add(`- **${criterion.name}:** ${criterion.detail}.`);
  }
  const guidance = shuffled(target.rng, GUIDANCE);
  for (const paragraph of guidance) {
    if (tokens >= target.target) break;
    lines.push('');
    add(paragraph);
  }
  if (tokens < target.target) lines.push('', '### Questions to ask each vendor', '');
  for (const question of QUESTIONS) {
    for (const criterion of market.criteria) {
      if (tokens >= target.target) return lines;
      add(`- ${question(criterion.name.toLowerCase())}`);
    }
  }
  return lines;
}
