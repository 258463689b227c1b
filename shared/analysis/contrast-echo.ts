/**
 * Contrast by echo: a sentence about one brand that carries no opinion words of its own, but answers the previous
 * sentence's verdict on another brand by contrast, takes the opposite sign. Linguistic cues, not phrases:
 * - it opens with a contrast marker ("But Globex ...", "Meanwhile ...", "By contrast ...", "Y, on the other hand, ...");
 * - it denies the previous event by anaphora ("Zoom has never done that to us", "never had that problem with Y",
 *   "no such issues with Y");
 * - it states that the brand simply does what the other did not ("chatgpt just does them", "Y actually answers");
 * - it is a bare affirmation or refusal after a label ("Globex? Absolutely." / "Initech? Nope.");
 * - it is an elliptical negation ("Initech logs me out. Northwind doesn't.");
 * - in a post (juxtapose), it simply follows: "northwind just works. initech needs a PhD to configure" (unless it
 *   states a fact: founded, headquartered, acquired...).
 * Nothing happens when the sentence has any opinion of its own, names more than one brand, or follows a sentence
 * without a clear single-brand verdict; facts next to facts stay neutral.
 * Within one sentence the same holds across a contrast marker: "Whereas Globex makes exporting painless, Initech buries
 * it three menus deep" (the second clause, silent for the lexicon, is set against the first).
 * Also the implicit alternative of a switch: a text that only says which product was left ("Bye Uber") or only which
 * was chosen ("back to Nike") about one of two named products, the other one without a word of its own, makes that
 * other one the chosen or the left product.
 */

/** Score (VADER-scale sum) a previous verdict needs before it is echoed. */
const CLEAR = 0.9;
/** Strength of the echoed verdict. */
export const ECHO_STRENGTH = 1.6;

const CONTRAST_OPEN =
  /^[\s*_"“(]*(?:but|however|meanwhile|whereas|instead|by contrast|in contrast|on the other hand|conversely|pero|mais|aber|maar|ma|mas)\b/iu;
const CONTRAST_INSIDE =
  /,\s*(?:on the other hand|by contrast|in contrast|meanwhile|however|though|par contre|en revanche|en cambio|por otro lado|por outro lado|dagegen|hingegen|invece|daarentegen)\s*,|\b(?:dagegen|hingegen|en cambio|par contre|en revanche)\b/iu;
const NEGATED_ANAPHORA =
  /\b(?:never|not|no longer|n['’]t)\s+(?:\w+\s+){0,2}(?:do|does|did|done|doing|happen|happens|happened|had|have|has|seen|see|saw)\s+(?:\w+\s+)?(?:that|this|it|so|those|these)\b|\bno (?:such )?(?:issues?|problems?|complaints?|drama|hiccups?)\b|\bnever (?:had|have|has|seen|saw) (?:an?|any|one|a single) (?:issue|problem|outage|hiccup|complaint)/iu;
const SIMPLY_DOES =
  /\b(?:just|actually|simply|still)\s+(?:does|did|do|works|worked|handles|handled|delivers|delivered|answers|answered|responds|responded|fixes|fixed|gets|got|ships|shipped|loads|loaded|syncs|synced|lets|let)\b/iu;
/** A name and a bare negated auxiliary: "Northwind doesn't.", "Globex never has." */
const ELLIPTICAL_ONLY =
  /^[\s*_"“]*\S+(?:\s+\S+){0,2}?\s+(?:doesn['’]t|does not|isn['’]t|is not|won['’]t|didn['’]t|can['’]t|hasn['’]t|never does|never did|never has)[\s!.…*_"”]*$/iu;
/** Sentences that state facts: not set against the previous verdict even in a post. */
const FACT =
  /\b(?:founded|headquartered|based in|acquired|launched|announced|released|ipo|employees|owned by|is owned|subsidiary|partnered|available in|supports \d+)\b/iu;
const AFFIRM =
  /^[\s*_"“]*(?:absolutely|definitely|yes+|yep|yup|for sure|totally|100%|of course|every time|hell yes|sí|oui|ja|sim)[\s!.…*_"”]*$/iu;
const REFUSE = /^[\s*_"“]*(?:no+|nope|nah|never|no way|hard no|not a chance|pass|nein|non|não)[\s!.…*_"”]*$/iu;

/** One sentence as the attribution walk saw it. */
export interface SentenceVerdict {
  /** Entity indices the sentence named (or was attributed to, for follow-ups). */
  entities: number[];
  /** Opinion sum per entity in this sentence (0 when it found none). */
  sums: Map<number, number>;
  /** The sentence's text (read only when an echo is possible). */
  text: () => string;
  /** The sentence came right after a name label ("Globex?"). */
  afterLabel: boolean;
  /** A blank line precedes the sentence. */
  newParagraph: boolean;
}

/**
 * Echo verdicts across adjacent sentences (see the module comment). Returns extra evidence to add, as
 * [entity index, sum] pairs.
 */
export function contrastEchoes(sentences: readonly SentenceVerdict[], juxtapose = false): [number, number][] {
  const out: [number, number][] = [];
  let prev: { ei: number; sum: number } | null = null;
  let silentBefore: { ei: number } | null = null;
  for (const s of sentences) {
    if (s.newParagraph) prev = null;
    const single = s.entities.length === 1 ? s.entities[0]! : null;
    const own = single === null ? 0 : (s.sums.get(single) ?? 0);
    if (single !== null && prev !== null && prev.ei !== single && Math.abs(own) < 0.05) {
      const t = s.text();
      const echoes =
        CONTRAST_OPEN.test(t) ||
        CONTRAST_INSIDE.test(t) ||
        NEGATED_ANAPHORA.test(t) ||
        SIMPLY_DOES.test(t) ||
        ELLIPTICAL_ONLY.test(t) ||
        (juxtapose && !s.afterLabel && !FACT.test(t)) ||
        (s.afterLabel && (AFFIRM.test(t) || REFUSE.test(t)));
      if (echoes) {
        const sign: number =
          s.afterLabel && AFFIRM.test(t) ? 1 : s.afterLabel && REFUSE.test(t) ? -1 : -Math.sign(prev.sum);
        out.push([single, sign * ECHO_STRENGTH]);
        prev = { ei: single, sum: sign * ECHO_STRENGTH };
        continue;
      }
    }
    // In a post, a silent sentence about one brand right before a verdict on another is set against it too
    // ("Initech feels like it was designed in 2005. Northwind feels modern.").
    if (juxtapose && single !== null && Math.abs(own) >= CLEAR && silentBefore !== null && !s.newParagraph) {
      if (silentBefore.ei !== single && !out.some(([ei]) => ei === silentBefore!.ei))
        out.push([silentBefore.ei, -Math.sign(own) * ECHO_STRENGTH]);
    }
    silentBefore =
      juxtapose && single !== null && Math.abs(own) < 0.05 && !s.afterLabel && !FACT.test(s.text())
        ? { ei: single }
        : null;
    if (single !== null && Math.abs(own) >= CLEAR) prev = { ei: single, sum: own };
    else if (s.entities.length > 0) prev = null;
  }
  return out;
}

/** Strength of the role inferred for the implicit alternative of a switch. */
const ALTERNATIVE_STRENGTH = 1.2;

/**
 * The implicit alternative (see the module comment): given the sign of each switching role in the text (left -1,
 * chosen +1), the entities mentioned and each entity's evidence, returns evidence to add as [entity index, sum]
 * pairs. Only when every role points the same way and exactly one other mentioned entity has no opinion of its own.
 */
export function implicitAlternative(
  switchSigns: ReadonlyMap<number, number>,
  mentioned: ReadonlySet<number>,
  evidence: readonly (readonly number[])[],
): [number, number][] {
  const signs = new Set([...switchSigns.values()].filter((x) => x !== 0));
  if (signs.size !== 1) return [];
  const sign = [...signs][0]!;
  const silent = [...mentioned].filter(
    (ei) => !switchSigns.has(ei) && (evidence[ei] ?? []).every((x) => Math.abs(x) < 0.05),
  );
  if (silent.length !== 1 || mentioned.size !== switchSigns.size + 1) return [];
  return [[silent[0]!, -sign * ALTERNATIVE_STRENGTH]];
}

/** Contrast markers that set two clauses of one sentence against each other (folded tokens). */
const CONTRAST_MARKERS = new Set([
  'but',
  'whereas',
  'however',
  'though',
  'although',
  'yet',
  'meanwhile',
  'pero',
  'mais',
  'aber',
  'ma',
  'maar',
  'dagegen',
  'hingegen',
]);

/** Openers that set the sentence's two clauses against each other only when they lead ("While X ..., Y ..."). */
const LEAD_ONLY = new Set(['while', 'mientras', 'tandis', 'wahrend', 'während', 'mentre', 'enquanto', 'terwijl']);

/**
 * Contrast inside one sentence naming exactly two entities (positions `at` in `tokens`), with `sums` the valence each
 * got: when a contrast marker stands between them (or opens the sentence before the first, with a clause break
 * between the two), and one has a clear verdict while the other has none, the other gets the opposite. Returns the
 * [entity index, sum] to add, or null.
 */
export function mirrorAcrossContrast(
  tokens: readonly { t: string; breakBefore: boolean }[],
  ents: readonly { ei: number; at: number }[],
  sums: ReadonlyMap<number, number>,
): [number, number] | null {
  const distinct = [...new Set(ents.map((e) => e.ei))];
  if (distinct.length !== 2) return null;
  const [x, y] = distinct as [number, number];
  const sx = sums.get(x) ?? 0;
  const sy = sums.get(y) ?? 0;
  const [clear, silent] =
    Math.abs(sx) >= CLEAR && Math.abs(sy) < 0.05
      ? [x, y]
      : Math.abs(sy) >= CLEAR && Math.abs(sx) < 0.05
        ? [y, x]
        : [-1, -1];
  if (clear < 0) return null;
  const first = Math.min(...ents.map((e) => e.at));
  const last = Math.max(...ents.map((e) => e.at));
  // Every mention of one entity before every mention of the other.
  const xs = ents.filter((e) => e.ei === x).map((e) => e.at);
  const ys = ents.filter((e) => e.ei === y).map((e) => e.at);
  if (!(Math.max(...xs) < Math.min(...ys) || Math.max(...ys) < Math.min(...xs))) return null;
  const split =
    Math.max(...xs) < Math.min(...ys) ? [Math.max(...xs), Math.min(...ys)] : [Math.max(...ys), Math.min(...xs)];
  let marked = false;
  for (let i = split[0]! + 1; i < split[1]!; i++) if (CONTRAST_MARKERS.has(tokens[i]!.t)) marked = true;
  if (!marked && first <= 2) {
    let lead = false;
    for (let i = 0; i < first; i++) if (CONTRAST_MARKERS.has(tokens[i]!.t) || LEAD_ONLY.has(tokens[i]!.t)) lead = true;
    let cut = false;
    for (let i = split[0]! + 1; i <= split[1]!; i++) if (tokens[i]!.breakBefore) cut = true;
    marked = lead && cut;
  }
  if (!marked || last <= first) return null;
  return [silent, -Math.sign(sums.get(clear)!) * ECHO_STRENGTH * 0.75];
}
