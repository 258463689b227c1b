/**
 * Language of a post that does not say (feed items without a language tag, Reddit and Meta posts, tweets X could not
 * tag): eld (Nito-ELD, pure JavaScript, n-gram database "extrasmall", 60 languages). Chosen by
 * `bench/language-detection.bench.ts` on short news and web sentences in 12 languages nobody here wrote (figures in
 * docs/connectors.md): the most accurate and the fastest of tinyld, tinyld/light, eld and franc-min.
 *
 * The database is ~1 MB of JavaScript, so it is imported on first use (and installed next to the function bundles
 * instead of inside them, see cdk): a function that never meets an untagged post never loads it.
 */
export type LanguageDetector = (text: string) => string | null;

/** Below this many letters a guess is noise ("ok", "lol", a URL): no language rather than a wrong one. */
const MIN_LETTERS = 3;
/** The first few hundred characters decide; longer texts only cost time. */
const SAMPLE_CHARS = 200;

interface EldLike {
  detect(text: string): { language: string };
}

/** The detector over an eld instance: BCP 47 primary language (`en`, `pt`, `ja`) or null when it cannot tell. */
export function detectorOf(eld: EldLike): LanguageDetector {
  return (text) => {
    // Links and @handles are not in any language; a post that is only those has none.
    const sample = text
      .slice(0, SAMPLE_CHARS * 2)
      .replace(/\b(?:https?:\/\/|www\.)\S+/gi, ' ')
      .replace(/(^|\s)(?:@\w+|\/?u\/[\w-]+)/g, '$1')
      .slice(0, SAMPLE_CHARS);
    const letters = sample.match(/\p{L}/gu)?.length ?? 0;
    if (letters < MIN_LETTERS) return null;
    const language = eld.detect(sample).language;
    return /^[a-z]{2,3}$/.test(language) ? language : null;
  };
}

let loading: Promise<LanguageDetector> | null = null;

/** The shared detector, loaded once per process. */
export function loadLanguageDetector(): Promise<LanguageDetector> {
  loading ??= import('eld/extrasmall').then(({ eld }) => detectorOf(eld));
  return loading;
}
