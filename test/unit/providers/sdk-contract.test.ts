import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { generateAnswer } from '#local/provider-simulator/answers.ts';
import { DEMO_MARKET } from '#local/provider-simulator/market.ts';
import { modelNotFound, quotaExhausted } from '#local/provider-simulator/protocol-errors.ts';
import { type Endpoint, type Outcome, type ParsedRequest, renderSuccess } from '#local/provider-simulator/protocols.ts';
import { createRng } from '#local/provider-simulator/rng.ts';
import { type AnswerSurface, PROVIDER_IDS, type ProviderId } from '#shared/ports/ai-provider.ts';

/**
 * Contract of the simulator with the installed SDKs' own response types: every kind of body the simulator renders
 * (each endpoint, surface and outcome, with and without the odd-but-normal shapes: pause_turn and its continuation,
 * in-response search errors, failed search steps, thinking that uses up the cap, truncation) is written into a
 * TypeScript file as an object literal assigned to the SDK's type, and the real compiler checks it. Object literals
 * get excess-property checks, so a field the SDK does not know fails as surely as a missing or mistyped one.
 */

const root = process.cwd();
const dir = mkdtempSync(join(root, 'node_modules', '.provider-contract-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ENDPOINTS: { endpoint: Endpoint; provider: ProviderId; model: string; type: string }[] = [
  { endpoint: 'openai.chat', provider: 'openai', model: 'gpt-4.1-mini', type: 'ChatCompletion' },
  { endpoint: 'openai.responses', provider: 'openai', model: 'gpt-4.1-mini', type: 'Response' },
  { endpoint: 'anthropic.messages', provider: 'anthropic', model: 'claude-haiku-4-5', type: 'Message' },
  { endpoint: 'gemini.generate', provider: 'gemini', model: 'gemini-2.5-pro', type: 'GeminiResponse' },
  { endpoint: 'perplexity.chat', provider: 'perplexity', model: 'sonar', type: 'PerplexityCompletion' },
];

/** Every variant of a 200 the simulator renders for one endpoint. */
function bodiesOf(entry: (typeof ENDPOINTS)[number]): { label: string; body: unknown }[] {
  const out: { label: string; body: unknown }[] = [];
  const surfaces: AnswerSurface[] = ['api', 'api_web_search'];
  const outcomes: Outcome[] = ['answer', 'refusal', 'empty'];
  const shapes = [
    { pauseTurn: false, searchError: false, failedSearchStep: false },
    { pauseTurn: true, searchError: false, failedSearchStep: true },
    { pauseTurn: false, searchError: true, failedSearchStep: false },
  ];
  let n = 0;
  for (const surface of surfaces) {
    for (const outcome of outcomes) {
      for (const shape of shapes) {
        for (const continuation of [false, true]) {
          for (const maxTokens of [4096, 600, 40]) {
            const request: ParsedRequest = {
              model: entry.model,
              prompt: 'What are the best product analytics tools for a B2B SaaS startup?',
              surface,
              maxTokens,
              continuation,
              include: ['web_search_call.action.sources'],
              thinking: maxTokens === 40 ? null : { thinkingBudget: 1024 },
            };
            const answer = generateAnswer(
              { ...request, provider: entry.provider, sampleIndex: n % 7, date: '2025-10-01', seed: 3 },
              DEMO_MARKET,
            );
            const body = renderSuccess({
              provider: entry.provider,
              endpoint: entry.endpoint,
              request,
              answer,
              outcome,
              requestId: `req_${n}`,
              rng: createRng(`contract|${n}`),
              nowSeconds: 1_760_000_000,
              shape,
            });
            out.push({ label: `${surface}/${outcome}/${JSON.stringify(shape)}/${continuation}/${maxTokens}`, body });
            n++;
          }
        }
      }
    }
  }
  return out;
}

const PRELUDE = `
import type { ChatCompletion } from 'openai/resources/chat/completions';
import type { Response as SdkResponse } from 'openai/resources/responses/responses';
import type { ErrorObject as OpenAiErrorObject } from 'openai/resources/shared';
import type { Message } from '@anthropic-ai/sdk/resources/messages';
import type { ErrorResponse as AnthropicErrorResponse } from '@anthropic-ai/sdk/resources/shared';
import type { GenerateContentResponse } from '@google/genai/web';

/**
 * \`output_text\` is computed by the SDK on the client; \`store\` is in the API reference's response object but not
 * in the SDK's type.
 */
type Response = Omit<SdkResponse, 'output_text'> & { store?: boolean };

/** A type as JSON carries it: the SDK's string enums (FinishReason...) as their string values. */
type Wire<T> = T extends string
  ? \`\${T}\`
  : T extends Array<infer U>
    ? Array<Wire<U>>
    : T extends object
      ? { [K in keyof T]: Wire<T[K]> }
      : T;

/** The JSON fields of the SDK's response class (its getters, text() and friends, are computed client-side). */
type GeminiResponse = Wire<
  Pick<GenerateContentResponse, 'candidates' | 'usageMetadata' | 'modelVersion' | 'responseId' | 'promptFeedback'>
>;

/**
 * Perplexity has no SDK of its own here: its documented chat completion is OpenAI's (without the OpenAI-only
 * message fields) plus citations, search_results and its usage extras.
 */
type PerplexityCompletion = Omit<ChatCompletion, 'choices' | 'usage'> & {
  choices: Array<Omit<ChatCompletion.Choice, 'message' | 'logprobs'> & { message: { role: 'assistant'; content: string } }>;
  usage: NonNullable<ChatCompletion['usage']> & {
    search_context_size: 'low' | 'medium' | 'high' | null;
    num_search_queries: number;
    cost: { input_tokens_cost: number; output_tokens_cost: number; request_cost: number; total_cost: number };
  };
  citations: string[];
  search_results: Array<{ title: string; url: string; date: string; last_updated: string; snippet: string }>;
};
`;

async function typeCheck(source: string): Promise<string> {
  const file = join(dir, `check-${Math.random().toString(36).slice(2)}`);
  mkdirSync(file, { recursive: true });
  writeFileSync(join(file, 'samples.ts'), source);
  writeFileSync(
    join(file, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        noEmit: true,
        target: 'es2022',
        module: 'esnext',
        moduleResolution: 'bundler',
        skipLibCheck: true,
        types: [],
        typeRoots: [join(root, 'node_modules', '@types')],
      },
      files: ['samples.ts'],
    }),
  );
  try {
    await promisify(execFile)(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', file], {
      cwd: root,
    });
    return '';
  } catch (error) {
    return String((error as { stdout?: string }).stdout ?? error);
  }
}

describe('simulator bodies against the SDKs’ response types', () => {
  it.each(ENDPOINTS)(
    '$endpoint: every rendered body assigns to $type',
    async (entry) => {
      const bodies = bodiesOf(entry);
      expect(bodies.length).toBeGreaterThan(50);
      const source = `${PRELUDE}\n${bodies
        .map(({ label, body }, i) => `// ${label}\nexport const sample${i}: ${entry.type} = ${JSON.stringify(body)};`)
        .join('\n')}\n`;
      expect(await typeCheck(source)).toBe('');
    },
    60_000,
  );

  it('error bodies (not found, quota) assign to the SDKs’ error types', async () => {
    const lines: string[] = [];
    for (const provider of PROVIDER_IDS) {
      for (const reply of [modelNotFound(provider, 'no-such-model'), quotaExhausted(provider, 'gemini-2.5-pro')]) {
        const body = JSON.stringify(reply.body);
        if (provider === 'openai') lines.push(`export const o${lines.length}: { error: OpenAiErrorObject } = ${body};`);
        if (provider === 'anthropic') {
          lines.push(`export const a${lines.length}: Omit<AnthropicErrorResponse, 'request_id'> = ${body};`);
        }
        if (provider === 'gemini') {
          lines.push(
            `export const g${lines.length}: { error: { code: number; message: string; status: string; details?: Array<{ '@type': string } & Record<string, unknown>> } } = ${body};`,
          );
        }
      }
    }
    expect(await typeCheck(`${PRELUDE}\n${lines.join('\n')}\n`)).toBe('');
  }, 60_000);
});
