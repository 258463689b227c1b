/**
 * The analyzer: mentions, positions, per-entity (target) sentiment and citations for one text.
 * Pure and synchronous; compile the entity configuration once with {@link compileEntities} and reuse it.
 */

import { buildDomainOwners, type DomainOwners, extractCitations } from './citations.ts';
import { entitiesFingerprint, sanitizeEntities } from './entities.ts';
import { foldText } from './fold.ts';
import { type CompiledMatcher, compileMatcher } from './matcher.ts';
import { findMentions } from './mentions.ts';
import { findPositions, leadEntities } from './recommendation.ts';
import { parseStructure } from './structure.ts';
import { attributeSentiment, summarize } from './target-sentiment.ts';
import type { Analysis, AnalysisInput, AnalysisWarning, EntityResult, TextKind, TrackedEntity } from './types.ts';

export { findAliasMatches } from './mentions.ts';

/** Version of the analysis rules. Bump when results for the same input can change; stored analyses record it. */
export const ANALYZER_VERSION = '2.1.0';

/** Texts longer than this are analysed up to the cap and flagged `truncated`. */
export const DEFAULT_MAX_CHARS = 100_000;

/** Words that, near an ambiguous alias, suggest a product/company is meant. */
export const DEFAULT_CONTEXT_TERMS: readonly string[] = [
  'app',
  'apps',
  'software',
  'tool',
  'tools',
  'platform',
  'saas',
  'product',
  'products',
  'pricing',
  'price',
  'plan',
  'plans',
  'subscription',
  'integration',
  'integrations',
  'api',
  'workspace',
  'workspaces',
  'dashboard',
  'feature',
  'features',
  'users',
  'customers',
  'company',
  'startup',
  'brand',
  'service',
  'alternative',
  'alternatives',
  'competitor',
  'competitors',
  'vs',
  'versus',
  'ceo',
  'launched',
  'launches',
  'announced',
  'release',
  'update',
  'account',
  'template',
  'templates',
  'trial',
  'inc',
  'stock',
  'shares',
  'website',
  'earnings',
  'revenue',
  'quarter',
  'quarterly',
  'q1',
  'q2',
  'q3',
  'q4',
  'ipo',
  'valuation',
  'acquisition',
  'outage',
  'status',
  'page',
  'login',
  'subscribers',
];

export interface AnalyzerOptions {
  /**
   * Maximum number of UTF-16 code units analysed; the rest is ignored and the analysis is flagged `truncated`.
   * @default 100000
   */
  maxChars?: number;
}

/** A compiled, immutable entity configuration. */
export interface CompiledEntities {
  readonly entities: readonly TrackedEntity[];
  readonly matcher: CompiledMatcher;
  readonly owners: DomainOwners;
  readonly fingerprint: string;
  /** Folded context terms per entity (entity-specific + defaults). */
  readonly contextTerms: readonly ReadonlySet<string>[];
  readonly options: Required<AnalyzerOptions>;
}

/** Compiles entities (aliases + owned domains) once; the result can analyse any number of texts. */
export function compileEntities(
  entities: readonly TrackedEntity[] | unknown,
  options: AnalyzerOptions = {},
): CompiledEntities {
  const clean = sanitizeEntities(entities);
  const defaults = DEFAULT_CONTEXT_TERMS.map((t) => foldText(t));
  return {
    entities: clean,
    matcher: compileMatcher(clean),
    owners: buildDomainOwners(clean),
    fingerprint: entitiesFingerprint(clean, ANALYZER_VERSION),
    contextTerms: clean.map((e) => new Set([...defaults, ...(e.contextTerms ?? []).map((t) => foldText(t))])),
    options: {
      maxChars:
        typeof options.maxChars === 'number' && options.maxChars > 0 ? Math.floor(options.maxChars) : DEFAULT_MAX_CHARS,
    },
  };
}

/** Analyses one text against a compiled configuration. Never throws on any input. */
export function analyzeText(input: AnalysisInput | string, compiled: CompiledEntities): Analysis {
  const warnings: AnalysisWarning[] = [];
  let text: string;
  let kind: TextKind = 'answer';
  let providerCitations: AnalysisInput['citations'];
  if (typeof input === 'string') text = input;
  else if (input && typeof input === 'object' && typeof input.text === 'string') {
    text = input.text;
    if (input.kind === 'social' || input.kind === 'news' || input.kind === 'answer') kind = input.kind;
    providerCitations = input.citations;
  } else {
    text = '';
    warnings.push({ code: 'not-a-string', message: 'input text was not a string; analysed as empty' });
  }

  const maxChars = compiled.options.maxChars;
  let limit = text.length;
  let truncated = false;
  if (limit > maxChars) {
    limit = maxChars;
    const c = text.charCodeAt(limit - 1);
    if (c >= 0xd800 && c <= 0xdbff) limit--; // do not split a surrogate pair
    truncated = true;
    warnings.push({
      code: 'truncated',
      message: `text of ${text.length} chars truncated to ${limit} chars for analysis`,
    });
  }
  if (text.trim().length === 0) warnings.push({ code: 'empty-text', message: 'text is empty' });
  {
    const sample = text.slice(0, 4096);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: detecting binary junk is the point
    const ctrl = sample.match(/[\u0000-\u0008\u000e-\u001f\ufffd]/g)?.length ?? 0;
    if (sample.length > 0 && ctrl / sample.length > 0.05) {
      warnings.push({ code: 'binary-content', message: 'text contains many control characters; it may be binary' });
    }
  }
  if (compiled.matcher.collisions.length > 0) {
    warnings.push({
      code: 'alias-collision',
      message: `aliases shared by several entities resolved to the first (brand first): ${compiled.matcher.collisions.slice(0, 5).join(', ')}`,
    });
  }

  const entities = compiled.entities;
  const structure = parseStructure(text, limit);
  const sentences = structure.sentences;
  const cites = extractCitations(text, limit, providerCitations, compiled.owners, warnings);

  // --- Mentions -------------------------------------------------------------------------------------------
  const mentions = findMentions(text, limit, compiled, structure, cites);

  // --- Sentiment ------------------------------------------------------------------------------------------
  const entityIndex = new Map(entities.map((e, i) => [e.id, i]));
  const textMentions = mentions.filter((m) => m.via === 'text');
  const itemLead = leadEntities(structure, textMentions, entityIndex);
  const evidence = attributeSentiment(
    text,
    limit,
    kind,
    structure,
    textMentions,
    entityIndex,
    itemLead,
    entities.length,
  );

  // --- Positions and results -----------------------------------------------------------------------------
  const { rankOf, firstOffset, listOf, ranked, refusal, primary } = findPositions(
    text,
    limit,
    structure,
    mentions,
    textMentions,
    entityIndex,
    itemLead,
  );

  const ownedCitations = entities.map(() => 0);
  for (const c of cites.citations) {
    if (c.entityId !== null) {
      const ei = entityIndex.get(c.entityId);
      if (ei !== undefined) ownedCitations[ei]! += 1;
    }
  }
  const counts = new Map<string, number>();
  for (const m of mentions) counts.set(m.entityId, (counts.get(m.entityId) ?? 0) + 1);
  const results: EntityResult[] = entities.map((e, ei) => {
    const count = counts.get(e.id) ?? 0;
    return {
      entityId: e.id,
      kind: e.kind,
      mentioned: count > 0,
      mentionCount: count,
      rank: rankOf.get(ei) ?? null,
      firstOffset: firstOffset.get(ei) ?? null,
      list: listOf.get(ei) ?? null,
      inRankedList: ranked.has(ei),
      primaryRecommendation: primary === ei,
      sentiment: summarize(evidence[ei]!),
      ownedCitations: ownedCitations[ei]!,
    };
  });

  return {
    analyzerVersion: ANALYZER_VERSION,
    configFingerprint: compiled.fingerprint,
    kind,
    textLength: text.length,
    analyzedLength: limit,
    truncated,
    sentenceCount: sentences.length,
    sentenceWords: sentences.map((s) => s.words),
    mentions,
    entities: results,
    citations: cites.citations,
    primaryRecommendation: primary === null ? null : (entities[primary]?.id ?? null),
    refusal,
    warnings,
  };
}
