/**
 * The analyzer: mentions, positions, per-entity (target) sentiment and citations for one text.
 * Pure and synchronous; compile the entity configuration once with {@link compileEntities} and reuse it.
 */

import { buildDomainOwners, type DomainOwners, extractCitations } from './citations.ts';
import { entitiesFingerprint, sanitizeEntities } from './entities.ts';
import { foldText } from './fold.ts';
import { COMPARATIVES } from './lexicon.ts';
import { type CompiledMatcher, compileMatcher } from './matcher.ts';
import { findMentions } from './mentions.ts';
import { findPositions, leadEntities } from './recommendation.ts';
import {
  COMPARATIVE_STRENGTH,
  findComparative,
  isSarcastic,
  normalizeScore,
  scoreTokens,
  splitClauses,
  type Token,
  tokenize,
} from './sentiment.ts';
import { isPureLabel, parseStructure, type Sentence } from './structure.ts';
import type {
  Analysis,
  AnalysisInput,
  AnalysisWarning,
  EntityResult,
  EntitySentiment,
  Mention,
  TextKind,
  TrackedEntity,
} from './types.ts';

export { findAliasMatches } from './mentions.ts';

/** Version of the analysis rules. Bump when results for the same input can change; stored analyses record it. */
export const ANALYZER_VERSION = '1.0.0';

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

const PRONOUN_LEAD =
  /^(?:[*_"“]*)(?:it|it's|its|they|they're|their|this (?:tool|app|platform|one|product|service|brand)|the (?:app|tool|platform|product|service))\b/i;

const COORDINATION = new Set([
  'and',
  'or',
  '&',
  'both',
  'either',
  'y',
  'et',
  'und',
  'e',
  'o',
  'ou',
  'oder',
  'plus',
  'as',
  'well',
]);

interface Scope {
  sum: number;
  hits: number;
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
  const evidence: number[][] = entities.map(() => []);
  const textMentions = mentions.filter((m) => m.via === 'text');
  const bySentence = new Map<number, Mention[]>();
  for (const m of textMentions) {
    let arr = bySentence.get(m.sentenceIndex);
    if (!arr) {
      arr = [];
      bySentence.set(m.sentenceIndex, arr);
    }
    arr.push(m);
  }
  const globalSarcasm = kind !== 'answer' && text.length < 1200 && isSarcastic(text, 0, limit);
  const itemLead = leadEntities(structure, textMentions, entityIndex);
  const tableHeaders = new Map<number, (number | null)[]>();
  let subject: number | null = null;
  let prevSentenceEntities: number[] = [];
  /** Cheap pre-check: could a mention-less sentence be attributed to an entity (so it is worth tokenizing)? */
  const couldAttribute = (s: Sentence): boolean =>
    (s.listItemIndex !== null && itemLead.has(s.listItemIndex)) ||
    (s.section !== null && subject !== null) ||
    (prevSentenceEntities.length === 1 &&
      (kind === 'social' || PRONOUN_LEAD.test(text.slice(s.start, Math.min(s.end, s.start + 40)))));

  for (const s of sentences) {
    const ms = bySentence.get(s.index) ?? [];
    if (s.blockKind === 'code') {
      prevSentenceEntities = [];
      continue;
    }
    const sectionPrior = s.section === 'pros' ? 1.5 : s.section === 'cons' ? -1.5 : 0;
    const distinct = [...new Set(ms.map((m) => entityIndex.get(m.entityId)!))];
    if (distinct.length === 0 && s.blockKind !== 'heading' && s.blockKind !== 'table-row' && !couldAttribute(s)) {
      if (!PRONOUN_LEAD.test(text.slice(s.start, Math.min(s.end, s.start + 40)))) prevSentenceEntities = [];
      continue;
    }
    const tokens = tokenize(text, s.start, s.end);
    const skip = skipMask(tokens, ms);
    const sarcastic = globalSarcasm || isSarcastic(text, s.start, s.end);

    if (s.blockKind === 'table-row' && s.cells) {
      const perEntity = scoreTableRow(s, tokens, skip, ms, entityIndex, tableHeaders, sarcastic);
      for (const [ei, sc] of perEntity) {
        const score = normalizeScore(sc.sum);
        if (sc.hits > 0 || ms.some((m) => entityIndex.get(m.entityId) === ei)) evidence[ei]!.push(sc.sum);
        for (const m of ms) if (entityIndex.get(m.entityId) === ei) m.sentiment = score;
      }
      if (s.listItemIndex !== null) {
        const lead = itemLead.get(s.listItemIndex);
        if (lead !== undefined) subject = lead;
      }
      prevSentenceEntities = distinct;
      continue;
    }

    if (s.blockKind === 'heading') {
      if (distinct.length === 1) subject = distinct[0]!;
      else if (distinct.length === 0 && s.section === null) subject = null;
    } else if (s.leadOfItem && s.listItemIndex !== null) {
      const item = structure.items[s.listItemIndex];
      const lead = itemLead.get(s.listItemIndex);
      if (item && item.depth === 0 && lead !== undefined && item.section === null) subject = lead;
    }

    if (distinct.length === 0) {
      if (s.section !== null && s.blockKind !== 'list-item' && isPureLabel(text.slice(s.start, s.end))) continue;
      // Attribute mention-less sentences that clearly talk about one entity.
      let target: number | undefined;
      if (s.listItemIndex !== null) target = itemLead.get(s.listItemIndex);
      if (target === undefined && s.section !== null && subject !== null) target = subject;
      // Pronoun follow-ups ("It is ..."); in social posts any follow-up sentence ("never again.").
      const followUp = kind === 'social' || PRONOUN_LEAD.test(text.slice(s.start, s.end));
      if (target === undefined && followUp && prevSentenceEntities.length === 1) target = prevSentenceEntities[0];
      if (target !== undefined) {
        const sc = scoreWhole(text, tokens, skip, sarcastic, target, [], entityIndex);
        const sum = sc.sum + (sc.hits > 0 || sectionPrior !== 0 ? sectionPrior : 0);
        if (sc.hits > 0 || sectionPrior !== 0) evidence[target]!.push(sum);
        prevSentenceEntities = [target];
      } else if (!PRONOUN_LEAD.test(text.slice(s.start, s.end))) prevSentenceEntities = [];
      continue;
    }

    const perEntity =
      distinct.length === 1
        ? new Map([[distinct[0]!, scoreWhole(text, tokens, skip, sarcastic, distinct[0]!, ms, entityIndex)]])
        : scoreMulti(text, tokens, skip, sarcastic, ms, entityIndex);
    for (const [ei, sc] of perEntity) {
      const score = normalizeScore(sc.sum + sectionPrior);
      evidence[ei]!.push(sc.sum + sectionPrior);
      for (const m of ms) if (entityIndex.get(m.entityId) === ei) m.sentiment = score;
    }
    prevSentenceEntities = distinct;
  }

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

/**
 * Entity-level score from the raw valence sums of its scopes: scored as if its scopes were one text (VADER
 * normalisation of the total), so three mild positives outweigh one mild negative and neutral mentions do not dilute.
 */
function summarize(sums: readonly number[]): EntitySentiment {
  if (sums.length === 0) return { score: 0, label: 'neutral', evidence: 0, method: 'lexicon' };
  const total = sums.reduce((a, b) => a + b, 0);
  const score = Math.round(normalizeScore(total) * 1000) / 1000;
  const pos = sums.some((s) => normalizeScore(s) >= 0.3);
  const neg = sums.some((s) => normalizeScore(s) <= -0.3);
  let label: EntitySentiment['label'] = score >= 0.05 ? 'positive' : score <= -0.05 ? 'negative' : 'neutral';
  if (pos && neg && Math.abs(score) < 0.1) label = 'mixed';
  return { score, label, evidence: sums.length, method: 'lexicon' };
}

/** Tokens that belong to a mention (names like "Best Buy" carry no sentiment). */
function skipMask(tokens: readonly Token[], ms: readonly Mention[]): (i: number) => boolean {
  if (ms.length === 0) return () => false;
  const mask = new Uint8Array(tokens.length);
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    for (const m of ms) if (t.start < m.end + (m.suffix?.length ?? 0) && t.end > m.start) mask[i] = 1;
  }
  return (i) => mask[i] === 1;
}

function tokenIndexAt(tokens: readonly Token[], pos: number): number {
  for (let i = 0; i < tokens.length; i++) if (tokens[i]!.end > pos) return i;
  return tokens.length;
}

/** Scores the whole sentence for one entity, with contrast weights and comparatives. */
function scoreWhole(
  text: string,
  tokens: readonly Token[],
  skip: (i: number) => boolean,
  sarcastic: boolean,
  ei: number,
  ms: readonly Mention[],
  entityIndex: ReadonlyMap<string, number>,
): Scope {
  let sum = 0;
  let hits = 0;
  const own = ms.filter((m) => entityIndex.get(m.entityId) === ei).map((m) => tokenIndexAt(tokens, m.start));
  for (const cl of splitClauses(tokens, text)) {
    const comp = findComparative(tokens, cl.a, cl.b, skip);
    let compSkip = skip;
    if (comp && own.length > 0) {
      const inCl = own.filter((t) => t >= cl.a && t < cl.b);
      const pos = (inCl.length > 0 ? inCl : own).reduce((best, t) =>
        Math.abs(t - comp.at) < Math.abs(best - comp.at) ? t : best,
      );
      const after = pos >= comp.pivot;
      const ownInClause = own.some((t) => t >= cl.a && t < cl.b);
      if (ownInClause) {
        sum += cl.weight * (after ? -comp.polarity : comp.polarity) * COMPARATIVE_STRENGTH;
        hits++;
        compSkip = (i) =>
          skip(i) ||
          i === comp.at ||
          (tokens[comp.at]!.t === 'more' || tokens[comp.at]!.t === 'less' ? i === comp.at + 1 : false);
      }
    }
    const sc = scoreTokens(tokens, cl.a, cl.b, compSkip, sarcastic);
    sum += cl.weight * (sc.sum + cl.prior);
    hits += sc.hits + (cl.prior !== 0 ? 1 : 0);
  }
  return { sum, hits };
}

/** Scores a sentence that mentions several entities: per clause, comparatives, then coordination groups. */
function scoreMulti(
  text: string,
  tokens: readonly Token[],
  skip: (i: number) => boolean,
  sarcastic: boolean,
  ms: readonly Mention[],
  entityIndex: ReadonlyMap<string, number>,
): Map<number, Scope> {
  const acc = new Map<number, Scope>();
  const add = (ei: number, sum: number, hits: number): void => {
    const cur = acc.get(ei) ?? { sum: 0, hits: 0 };
    cur.sum += sum;
    cur.hits += hits;
    acc.set(ei, cur);
  };
  const mTok = ms.map((m) => ({ ei: entityIndex.get(m.entityId)!, at: tokenIndexAt(tokens, m.start) }));
  for (const { ei } of mTok) add(ei, 0, 0);
  let prevSubject: number | null = null;
  for (const cl of splitClauses(tokens, text)) {
    const inClause = mTok.filter((x) => x.at >= cl.a && x.at < cl.b);
    if (inClause.length === 0) {
      if (prevSubject !== null) {
        const sc = scoreTokens(tokens, cl.a, cl.b, skip, sarcastic);
        const comp = findComparative(tokens, cl.a, cl.b, skip);
        add(prevSubject, cl.weight * (sc.sum + cl.prior), sc.hits);
        if (comp && !sc.hits && !COMPARATIVES.has(tokens[comp.at]!.t)) add(prevSubject, cl.weight * comp.polarity, 1);
      }
      continue;
    }
    prevSubject = inClause[0]!.ei;
    const comp = findComparative(tokens, cl.a, cl.b, skip);
    let localSkip = skip;
    if (comp) {
      const ents = new Set(inClause.map((x) => x.ei));
      if (ents.size >= 1) {
        for (const x of inClause) {
          const side = x.at >= comp.pivot ? -comp.polarity : comp.polarity;
          add(x.ei, cl.weight * side * COMPARATIVE_STRENGTH, 1);
        }
        const isMoreLess = tokens[comp.at]!.t === 'more' || tokens[comp.at]!.t === 'less';
        localSkip = (i) => skip(i) || i === comp.at || (isMoreLess && i === comp.at + 1);
      }
    }
    // Coordination groups: "Asana and ClickUp are great" share "are great".
    const groups: { start: number; ents: Set<number> }[] = [];
    for (const x of inClause) {
      const last = groups[groups.length - 1];
      if (last) {
        let coordinated = true;
        const lastAt = Math.max(...inClause.filter((y) => last.ents.has(y.ei)).map((y) => y.at));
        for (let i = lastAt + 1; i < x.at; i++) {
          if (!skip(i) && !COORDINATION.has(tokens[i]!.t)) coordinated = false;
        }
        if (coordinated) {
          last.ents.add(x.ei);
          continue;
        }
      }
      groups.push({ start: x.at, ents: new Set([x.ei]) });
    }
    for (let g = 0; g < groups.length; g++) {
      const a = g === 0 ? cl.a : groups[g]!.start;
      const b = g + 1 < groups.length ? groups[g + 1]!.start : cl.b;
      const sc = scoreTokens(tokens, a, b, localSkip, sarcastic);
      for (const ei of groups[g]!.ents) add(ei, cl.weight * (sc.sum + (g === 0 ? cl.prior : 0)), sc.hits);
    }
  }
  return acc;
}

/** Scores a table row per cell: a cell belongs to the entity it names, its column header's entity, or the row's. */
function scoreTableRow(
  s: Sentence,
  tokens: readonly Token[],
  skip: (i: number) => boolean,
  ms: readonly Mention[],
  entityIndex: ReadonlyMap<string, number>,
  tableHeaders: Map<number, (number | null)[]>,
  sarcastic: boolean,
): Map<number, Scope> {
  const out = new Map<number, Scope>();
  const cells = s.cells!;
  const cellEntity = cells.map((c) => {
    const m = ms.find((x) => x.start >= c.start && x.end <= c.end);
    return m ? entityIndex.get(m.entityId)! : null;
  });
  if (s.listItemIndex === null) {
    // Header row: remember which columns are entities (comparison tables).
    tableHeaders.set(s.start, cellEntity);
    tableHeaders.set(-1, cellEntity);
    return out;
  }
  const header = tableHeaders.get(-1) ?? [];
  const rowEntity = cellEntity.find((x) => x !== null) ?? null;
  for (let k = 0; k < cells.length; k++) {
    const c = cells[k]!;
    const target = cellEntity[k] ?? header[k] ?? rowEntity;
    if (target === null || target === undefined) continue;
    const a = tokenIndexAt(tokens, c.start);
    let b = a;
    while (b < tokens.length && tokens[b]!.start < c.end) b++;
    const sc = scoreTokens(tokens, a, b, skip, sarcastic);
    let sum = sc.sum;
    let hits = sc.hits;
    if (c.section !== null && b > a) {
      sum += c.section === 'pros' ? 1.5 : -1.5;
      hits++;
    }
    const cur = out.get(target) ?? { sum: 0, hits: 0 };
    cur.sum += sum;
    cur.hits += hits;
    out.set(target, cur);
  }
  for (const m of ms) {
    const ei = entityIndex.get(m.entityId)!;
    if (!out.has(ei)) out.set(ei, { sum: 0, hits: 0 });
  }
  return out;
}
