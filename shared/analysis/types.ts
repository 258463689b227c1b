/**
 * Public types of the analysis engine. Everything here is plain data (JSON-serialisable) so analyses can be
 * stored, put on events and re-read by the web app.
 */

/** One way of writing an entity's name. */
export interface EntityAlias {
  /** The literal text to find, e.g. `Google Cloud`, `C++`, `monday.com`. Never interpreted as a regex. */
  value: string;
  /**
   * Match only with exactly this capitalisation (diacritics are still folded).
   * @default false
   */
  caseSensitive?: boolean;
  /**
   * The alias is also a common word or name (`Notion`, `Square`, `Monday`, `Brooks`): a match is only accepted when
   * it is capitalised and has supporting context, or has strong context (see docs/analysis.md).
   * @default false
   */
  ambiguous?: boolean;
}

/** A brand or competitor a workspace tracks. */
export interface TrackedEntity {
  /** Stable id, unique within the workspace. */
  id: string;
  /** Display name; also used as an alias when `aliases` does not already contain it. */
  name: string;
  kind: 'brand' | 'competitor';
  aliases: EntityAlias[];
  /** Registrable domains or host names the entity owns, e.g. `acme.com`, `docs.acme.dev`. */
  ownedDomains: string[];
  /**
   * Words that, near an ambiguous alias, show the text talks about this entity (e.g. `running`, `shoe` for Brooks).
   * @default []
   */
  contextTerms?: string[];
}

/** What kind of text is analysed. Affects nothing but reporting today; kept for per-kind tuning. */
export type TextKind = 'answer' | 'social' | 'news';

/** Provider-supplied citation metadata (e.g. from a web-search-grounded answer). */
export interface ProviderCitation {
  url: string;
  title?: string;
}

/** Input to {@link analyzeText}. */
export interface AnalysisInput {
  text: string;
  /** @default 'answer' */
  kind?: TextKind;
  /** Citation metadata returned by the provider next to the text. */
  citations?: ProviderCitation[];
}

/** Where a piece of text sits in the document structure. */
export type BlockKind = 'paragraph' | 'heading' | 'list-item' | 'table-row' | 'code';

/** One entity mention. Offsets are UTF-16 indices into the ORIGINAL input text: `text.slice(start, end)`. */
export interface Mention {
  entityId: string;
  /** The configured alias value that matched (or the owned domain for URL mentions). */
  alias: string;
  /** `text` = the name in running text; `url` = an owned domain in a cited/linked URL. */
  via: 'text' | 'url';
  start: number;
  end: number;
  /** The original text of the match, i.e. `input.slice(start, end)`. */
  text: string;
  /** Possessive (`'s`) or plural (`s`) suffix directly after the match, not included in `end`. */
  suffix: "'s" | 's' | null;
  /** Index of the sentence (0-based, in document order) that contains the mention. */
  sentenceIndex: number;
  /** Index of the list item / table row (0-based, over the whole document) containing the mention, else null. */
  listItemIndex: number | null;
  /** Sentiment in [-1, 1] of the scope around this mention toward this entity. */
  sentiment: number;
}

/** A list-like structure: numbered/bulleted list, numbered headings, or table rows. */
export interface ListInfo {
  /** `ordered` lists and numbered headings are ranked lists. */
  kind: 'ordered' | 'unordered' | 'table';
  /** 1-based position of the entity's item within its list. */
  position: number;
  /** Number of items in that list. */
  size: number;
}

/** Per-entity sentiment summary. */
export interface EntitySentiment {
  /** Mean of the per-scope scores in [-1, 1]; 0 when there is no evidence. */
  score: number;
  label: 'positive' | 'negative' | 'neutral' | 'mixed';
  /** Number of distinct text scopes (sentences/clauses/items) the score was computed from. */
  evidence: number;
  /** Where the score came from. `llm` only after a successful LLM-judge refinement. */
  method: 'lexicon' | 'llm';
}

/** Everything the engine says about one tracked entity in one text. */
export interface EntityResult {
  entityId: string;
  kind: TrackedEntity['kind'];
  mentioned: boolean;
  mentionCount: number;
  /** 1-based rank of the first mention among the tracked entities mentioned; null when not mentioned. */
  rank: number | null;
  /** Offset of the first mention, null when not mentioned. */
  firstOffset: number | null;
  /** The first list the entity leads an item of, if any. */
  list: ListInfo | null;
  /** True when the entity leads an item of a ranked (ordered) list. */
  inRankedList: boolean;
  /** True when the text singles this entity out as its recommendation. */
  primaryRecommendation: boolean;
  sentiment: EntitySentiment;
  /** Number of citations to the entity's owned domains. */
  ownedCitations: number;
}

/** Where a citation came from; `domain` is a domain written in prose (`hubspot.com/pricing`), `html-link` an `<a href>`. */
export type CitationOrigin =
  | 'markdown-link'
  | 'html-link'
  | 'autolink'
  | 'bare-url'
  | 'domain'
  | 'footnote'
  | 'provider';

/** Category of a third-party source. */
export type SourceCategory = 'review' | 'forum' | 'news' | 'encyclopedia' | 'video' | 'social' | 'other';

/** A cited or linked source. */
export interface Citation {
  /** Normalised URL: lower-case host without `www.`, no fragment, no tracking parameters. */
  url: string;
  /** Registrable domain (public-suffix aware), e.g. `bbc.co.uk`; the host name for IPs. */
  domain: string;
  hostname: string;
  origin: CitationOrigin;
  /** Offsets into the original text of the URL itself; null for provider metadata. */
  start: number | null;
  end: number | null;
  /** Link label or provider title when present. */
  title: string | null;
  /** `owned` = the brand's domain, `competitor` = a tracked competitor's, else `third-party`. */
  class: 'owned' | 'competitor' | 'third-party';
  /** Entity owning the domain for owned/competitor citations. */
  entityId: string | null;
  /** Source category (for owned/competitor citations: `other`). */
  category: SourceCategory;
  /** How many times the same normalised URL appeared (the citation is listed once). */
  occurrences: number;
}

/** A non-fatal problem met while analysing. The engine never throws on input data. */
export interface AnalysisWarning {
  code:
    | 'empty-text'
    | 'truncated'
    | 'not-a-string'
    | 'invalid-url'
    | 'binary-content'
    | 'alias-collision'
    | 'too-many-citations';
  message: string;
}

/** The result of analysing one text. */
export interface Analysis {
  /** Version of the engine rules that produced this; see {@link ANALYZER_VERSION}. */
  analyzerVersion: string;
  /** Fingerprint of the entity configuration used, so stale analyses can be found and re-analysed. */
  configFingerprint: string;
  kind: TextKind;
  /** Length of the original text and of the part analysed (they differ when truncated). */
  textLength: number;
  analyzedLength: number;
  truncated: boolean;
  sentenceCount: number;
  /** Word count of each sentence, in order (used by position-adjusted word count). */
  sentenceWords: number[];
  mentions: Mention[];
  /** One entry per tracked entity, in configuration order, mentioned or not. */
  entities: EntityResult[];
  citations: Citation[];
  /** Id of the entity recommended as the answer's primary pick, if any. */
  primaryRecommendation: string | null;
  /** True when the text looks like a refusal / no-answer. */
  refusal: boolean;
  warnings: AnalysisWarning[];
}
