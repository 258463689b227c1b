/**
 * Target (per-entity) sentiment: which words of a text speak about which tracked entity. The analyzer finds the
 * mentions and the structure; this module scores each sentence's clauses and attributes them: one entity per
 * sentence takes it whole; several entities split it by clause, comparatives, switching verbs and coordination;
 * mention-less sentences go to the entity a list item, heading, label or pronoun points at; table cells go to their
 * row or column entity. Output: raw valence sums per entity (evidence), summarised by {@link summarize}.
 * Sentence-level attribution rules (switching, yardsticks, labels) live in target-rules.ts, the three scope scorers
 * (whole sentence, several entities, table row) in target-scopes.ts, echoes across sentences in contrast-echo.ts.
 */

import { COMPARATIVE_STRENGTH } from './comparative-forms.ts';
import { contrastEchoes, implicitAlternative, mirrorAcrossContrast, type SentenceVerdict } from './contrast-echo.ts';
import { type EmoticonScope, isSarcastic, normalizeScore, type Token, tokenize } from './sentiment.ts';
import { isPureLabel, type Sentence, type Structure } from './structure.ts';
import { type EntityAt, isNameLabel, leadReference, switchRoles, trailReference } from './target-rules.ts';
import { type Scope, scoreMulti, scoreTableRow, scoreWhole, skipMask, tokenIndexAt } from './target-scopes.ts';
import type { EntitySentiment, Mention, TextKind } from './types.ts';

const PRONOUN_LEAD =
  /^(?:[*_"“]*)(?:it|it's|its|they|they're|their|this (?:tool|app|platform|one|product|service|brand)|the (?:app|tool|platform|product|service))\b/i;

/** Openers of a sentence that speaks about every entity of the previous sentence ("Both are fantastic."). */
const COLLECTIVE_LEAD =
  /^(?:[*_"“]*)(?:both|they both|both of them|all (?:of them|three|four)|each of them|ambos|ambas|beide|les deux|tous les deux|entrambi)\b/i;

/**
 * Scores every sentence and attributes its valence to entities. Sets `Mention.sentiment` on the text mentions and
 * returns, per entity index, the raw valence sums of its scopes.
 */
export function attributeSentiment(
  text: string,
  limit: number,
  kind: TextKind,
  structure: Structure,
  textMentions: readonly Mention[],
  entityIndex: ReadonlyMap<string, number>,
  itemLead: ReadonlyMap<number, number>,
  entityCount: number,
): number[][] {
  const sentences = structure.sentences;
  const evidence: number[][] = Array.from({ length: entityCount }, () => []);
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
  // When one sentence carries the sarcasm ("Great, Initech is down again."), a sentence about another brand
  // ("Good thing we still have Northwind.") is read straight.
  const sarcasticSentences = globalSarcasm ? sentences.filter((s) => isSarcastic(text, s.start, s.end)) : [];
  const sarcasmAbout = new Set<number>();
  for (const s of sarcasticSentences)
    for (const m of bySentence.get(s.index) ?? []) sarcasmAbout.add(entityIndex.get(m.entityId)!);
  if (sarcasmAbout.size === 0) sarcasticSentences.length = 0;
  const tableHeaders = new Map<number, (number | null)[]>();
  let subject: number | null = null;
  /** Entity named by the last heading, when it names exactly one: its paragraphs talk about it. */
  let headingSubject: number | null = null;
  /** Entity named by a label sentence ("Initech?", "Northwind:"): the sentences after it talk about it. */
  let labelSubject: number | null = null;
  let prevSentenceEntities: number[] = [];
  /** Cheap pre-check: could a mention-less sentence be attributed to an entity (so it is worth tokenizing)? */
  const couldAttribute = (s: Sentence): boolean =>
    (s.listItemIndex !== null && itemLead.has(s.listItemIndex)) ||
    (s.section !== null && subject !== null) ||
    labelSubject !== null ||
    (headingSubject !== null && s.blockKind !== 'heading') ||
    (prevSentenceEntities.length === 1 &&
      ((kind === 'social' && !newParagraph) ||
        PRONOUN_LEAD.test(text.slice(s.start, Math.min(s.end, s.start + 40))))) ||
    (prevSentenceEntities.length > 1 && COLLECTIVE_LEAD.test(text.slice(s.start, Math.min(s.end, s.start + 40))));

  /** End of the previous sentence: a blank line since then starts a new paragraph. */
  let prevEnd = 0;
  /** In a post, a follow-up sentence ("Never again.") speaks of the last entity only within its paragraph. */
  let newParagraph = false;
  /** Sentences since the last heading or label set a subject. */
  let sinceSubject = 0;
  /** Per-sentence verdicts for the contrast echo (contrast-echo.ts); label sentences are not recorded. */
  const verdicts: SentenceVerdict[] = [];
  /** Sign of every switching role given in the text (left -1, chosen +1, named beside a switch 0). */
  const switchSigns = new Map<number, number>();
  let blankSinceVerdict = false;
  let prevWasLabel = false;
  const record = (s: Sentence, entities: number[], sums: Map<number, number>, afterLabel: boolean): void => {
    verdicts.push({
      entities,
      sums,
      text: () => text.slice(s.start, s.end),
      afterLabel,
      newParagraph: blankSinceVerdict,
    });
    blankSinceVerdict = false;
  };
  for (const s of sentences) {
    newParagraph = /\n[ \t>]*\n/.test(text.slice(prevEnd, s.start));
    if (newParagraph) blankSinceVerdict = true;
    const afterLabel = prevWasLabel;
    prevWasLabel = false;
    prevEnd = s.end;
    // A heading's or a label's subject covers the paragraph that follows it, not the rest of the text (a closing
    // remark, or text appended after the answer, is not about it).
    if (newParagraph && sinceSubject > 0) {
      headingSubject = null;
      labelSubject = null;
    }
    // Only a paragraph set directly under the heading line ("## Bose QuietComfort\nClass-leading ...") is read as
    // the heading's; after a blank line the heading no longer names the paragraph's subject (a quoted or spliced-in
    // block must not take a brand's score).
    if (newParagraph && sinceSubject === 0) headingSubject = null;
    sinceSubject++;
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
    const sarcastic =
      isSarcastic(text, s.start, s.end) ||
      (globalSarcasm &&
        (sarcasticSentences.length === 0 || ms.every((m) => sarcasmAbout.has(entityIndex.get(m.entityId)!))));
    const emo: EmoticonScope = { text, start: s.start, end: s.end };
    if (s.blockKind === 'heading') {
      headingSubject = distinct.length === 1 ? distinct[0]! : null;
      sinceSubject = 0;
    }

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
      if (target === undefined && labelSubject !== null) target = labelSubject;
      if (target === undefined && headingSubject !== null && s.blockKind !== 'heading') target = headingSubject;
      // Pronoun follow-ups ("It is ..."); in social posts any follow-up sentence ("never again.").
      const followUp = (kind === 'social' && !newParagraph) || PRONOUN_LEAD.test(text.slice(s.start, s.end));
      if (target === undefined && followUp && prevSentenceEntities.length === 1) target = prevSentenceEntities[0];
      if (target === undefined && prevSentenceEntities.length > 1 && COLLECTIVE_LEAD.test(text.slice(s.start, s.end))) {
        const sc = scoreWhole(text, tokens, skip, sarcastic, -1, [], entityIndex, emo);
        if (sc.hits > 0) for (const ei of prevSentenceEntities) evidence[ei]!.push(sc.sum);
        continue;
      }
      if (target !== undefined) {
        const sc = scoreWhole(text, tokens, skip, sarcastic, target, [], entityIndex, emo);
        const sum = sc.sum + (sc.hits > 0 || sectionPrior !== 0 ? sectionPrior : 0);
        if (sc.hits > 0 || sectionPrior !== 0) evidence[target]!.push(sum);
        record(s, [target], new Map([[target, sc.hits > 0 || sectionPrior !== 0 ? sum : 0]]), afterLabel);
        prevSentenceEntities = [target];
      } else if (!PRONOUN_LEAD.test(text.slice(s.start, s.end))) prevSentenceEntities = [];
      continue;
    }

    if (
      distinct.length === 1 &&
      isNameLabel(
        text,
        s.start,
        s.end,
        ms.map((m) => [m.start, m.end]),
      )
    ) {
      labelSubject = distinct[0]!;
      sinceSubject = 0;
      prevSentenceEntities = distinct;
      prevWasLabel = true;
      continue;
    }
    labelSubject = null;
    const perEntity = scoreSentence(text, tokens, skip, sarcastic, ms, distinct, entityIndex, emo, switchSigns);
    for (const [ei, sc] of perEntity) {
      const score = normalizeScore(sc.sum + sectionPrior);
      evidence[ei]!.push(sc.sum + sectionPrior);
      for (const m of ms) if (entityIndex.get(m.entityId) === ei) m.sentiment = score;
    }
    record(s, distinct, new Map([...perEntity].map(([ei, sc]) => [ei, sc.sum + sectionPrior])), afterLabel);
    prevSentenceEntities = distinct;
  }
  for (const [ei, sum] of contrastEchoes(verdicts, kind === 'social')) evidence[ei]!.push(sum);
  const mentioned = new Set(textMentions.map((m) => entityIndex.get(m.entityId)!));
  for (const [ei, sum] of implicitAlternative(switchSigns, mentioned, evidence)) evidence[ei]!.push(sum);
  return evidence;
}

/**
 * Scores a sentence that names one or more entities: a yardstick opener ("Compared with X, ...") gives X the
 * opposite of what the rest says; switching verbs add their roles; the rest goes by clause (see scoreMulti).
 */
function scoreSentence(
  text: string,
  tokens: readonly Token[],
  skip: (i: number) => boolean,
  sarcastic: boolean,
  ms: readonly Mention[],
  distinct: readonly number[],
  entityIndex: ReadonlyMap<string, number>,
  emo: EmoticonScope,
  switchSigns: Map<number, number>,
): Map<number, Scope> {
  const ents: EntityAt[] = ms.map((m) => ({ ei: entityIndex.get(m.entityId)!, at: tokenIndexAt(tokens, m.start) }));
  const sw = switchRoles(tokens, ents, skip);
  const swSkip = sw.used.size > 0 ? (i: number) => skip(i) || sw.used.has(i) : skip;
  const score = (sk: (i: number) => boolean, msx: readonly Mention[], dx: readonly number[]): Map<number, Scope> =>
    dx.length === 1
      ? new Map([[dx[0]!, scoreWhole(text, tokens, sk, sarcastic, dx[0]!, msx, entityIndex, emo)]])
      : scoreMulti(text, tokens, sk, sarcastic, msx, entityIndex, emo);
  let perEntity: Map<number, Scope>;
  const ref = leadReference(tokens, ents);
  const trail = ref ? null : trailReference(tokens, ents);
  if (ref) {
    const restSkip = (i: number): boolean => swSkip(i) || i < ref.restFrom;
    const rest = distinct.filter((x) => x !== ref.ei);
    perEntity =
      rest.length > 0
        ? score(
            restSkip,
            ms.filter((m) => entityIndex.get(m.entityId) !== ref.ei),
            rest,
          )
        : new Map();
    let subjectSum = 0;
    if (rest.length === 0) subjectSum = scoreWhole(text, tokens, restSkip, sarcastic, -1, [], entityIndex, emo).sum;
    else for (const ei of rest) subjectSum += (perEntity.get(ei)?.sum ?? 0) / rest.length;
    // "Unlike X, Y runs in the browser": setting Y apart from X is itself a point in Y's favour.
    if (subjectSum === 0 && ref.contrastive) {
      subjectSum = 1;
      for (const ei of rest) perEntity.set(ei, { sum: (perEntity.get(ei)?.sum ?? 0) + 1, hits: 1 });
    }
    perEntity.set(ref.ei, { sum: -0.8 * subjectSum, hits: subjectSum !== 0 ? 1 : 0 });
  } else if (trail) {
    // "Northwind is worth every penny, unlike Initech.": the closing yardstick gets the opposite of the rest.
    const restSkip = (i: number): boolean => swSkip(i) || i >= trail.restTo;
    const rest = distinct.filter((x) => x !== trail.ei);
    perEntity = score(
      restSkip,
      ms.filter((m) => entityIndex.get(m.entityId) !== trail.ei),
      rest,
    );
    let subjectSum = 0;
    for (const ei of rest) subjectSum += (perEntity.get(ei)?.sum ?? 0) / rest.length;
    if (subjectSum === 0 && trail.contrastive) {
      subjectSum = 1;
      for (const ei of rest) perEntity.set(ei, { sum: (perEntity.get(ei)?.sum ?? 0) + 1, hits: 1 });
    }
    perEntity.set(trail.ei, { sum: -0.8 * subjectSum, hits: subjectSum !== 0 ? 1 : 0 });
  } else perEntity = score(swSkip, ms, distinct);
  // "Northwind > Initech": the symbol is the comparison.
  const sorted = [...ms].sort((x, y) => x.start - y.start);
  for (let k = 0; k + 1 < sorted.length; k++) {
    const [m1, m2] = [sorted[k]!, sorted[k + 1]!];
    const gap = /^\s*(>+|≫|<+|≪)\s*$/u.exec(text.slice(m1.end + (m1.suffix?.length ?? 0), m2.start));
    if (!gap || m1.entityId === m2.entityId) continue;
    const dir = gap[1]!.startsWith('>') || gap[1] === '≫' ? 1 : -1;
    for (const [m, side] of [
      [m1, dir],
      [m2, -dir],
    ] as const) {
      const ei = entityIndex.get(m.entityId)!;
      const cur = perEntity.get(ei) ?? { sum: 0, hits: 0 };
      perEntity.set(ei, { sum: cur.sum + side * COMPARATIVE_STRENGTH, hits: cur.hits + 1 });
    }
  }
  if (!ref && !trail && sw.roles.size === 0) {
    const sums = new Map([...perEntity].map(([ei, sc]) => [ei, sc.sum]));
    const mirror = mirrorAcrossContrast(tokens, ents, sums);
    if (mirror) perEntity.set(mirror[0], { sum: mirror[1], hits: 1 });
  }
  // An entity named in another clause beside a switch, with no role in it, is not its implicit alternative ("moved
  // to Monday from spreadsheets, and it is competitive with Asana"): mark it 0.
  if (sw.roles.size > 0) {
    const roleAt = ents.filter((e) => sw.roles.has(e.ei)).map((e) => e.at);
    for (const e of ents) {
      if (sw.roles.has(e.ei) || switchSigns.has(e.ei)) continue;
      const near = roleAt.reduce((b, x) => (Math.abs(x - e.at) < Math.abs(b - e.at) ? x : b), roleAt[0]!);
      let cut = false;
      for (let i = Math.min(near, e.at) + 1; i <= Math.max(near, e.at); i++) if (tokens[i]?.breakBefore) cut = true;
      if (cut) switchSigns.set(e.ei, 0);
    }
  }
  for (const [ei, r] of sw.roles) {
    if (r !== 0) switchSigns.set(ei, Math.sign(r));
    const cur = perEntity.get(ei) ?? { sum: 0, hits: 0 };
    cur.sum += r;
    cur.hits++;
    perEntity.set(ei, cur);
  }
  return perEntity;
}

/**
 * Entity-level score from the raw valence sums of its scopes: scored as if its scopes were one text (VADER
 * normalisation of the total), so three mild positives outweigh one mild negative and neutral mentions do not dilute.
 */
export function summarize(sums: readonly number[]): EntitySentiment {
  if (sums.length === 0) return { score: 0, label: 'neutral', evidence: 0, method: 'lexicon' };
  const total = sums.reduce((a, b) => a + b, 0);
  const score = Math.round(normalizeScore(total) * 1000) / 1000;
  const pos = sums.some((s) => normalizeScore(s) >= 0.3);
  const neg = sums.some((s) => normalizeScore(s) <= -0.3);
  let label: EntitySentiment['label'] = score >= 0.05 ? 'positive' : score <= -0.05 ? 'negative' : 'neutral';
  if (pos && neg && Math.abs(score) < 0.1) label = 'mixed';
  return { score, label, evidence: sums.length, method: 'lexicon' };
}
