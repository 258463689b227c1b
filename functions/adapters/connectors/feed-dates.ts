/**
 * Feed dates as feeds really write them → ISO-8601 UTC, or null when unreadable.
 *
 * RFC 822/2822 (`pubDate`) in the languages feeds are published in — month and weekday names in English, Portuguese,
 * Spanish, French, German, Italian and Dutch, full or abbreviated, with or without a dot or accents ("Seg, 24 Set
 * 2018 10:00:00 -0300", "mar., 4 déc. 2018", "Mo, 3 Mär 2019", "24 de setembro de 2018") — and the common broken
 * forms: no weekday, a wrong weekday (ignored, as RFC 2822 readers do), two-digit years (RFC 2822 §4.3: < 50 →
 * 20xx), no seconds, no time, no zone (UTC), named zones (RFC 822's EST…PDT plus the European, Asian and Australian
 * abbreviations feeds use: CET, CEST, BST, MSK, JST, AEST…), "Sep 24, 2018" order. ISO 8601 / W3C-DTF (`dc:date`,
 * Atom, JSON Feed, and ISO strings placed in `pubDate`), with a space instead of `T`, without a zone (UTC, never the
 * server's local time) or with `+0200`.
 *
 * Hand-written on purpose: date libraries parse either one locale's format strings at a time (date-fns, luxon) or
 * free prose (chrono-node, which also guesses "sometime last week"); a feed date is one rigid shape with
 * language-dependent names, which a table handles exactly and fast.
 */

const MONTHS: Record<string, number> = {};
function months(month: number, ...names: string[]) {
  for (const name of names) MONTHS[name] = month;
}
// en, pt, es, fr, de, it, nl (full and usual abbreviations; accents are stripped before lookup).
months(
  1,
  'jan',
  'january',
  'janeiro',
  'ene',
  'enero',
  'janv',
  'janvier',
  'januar',
  'jaenner',
  'gen',
  'gennaio',
  'januari',
);
months(
  2,
  'feb',
  'february',
  'fev',
  'fevereiro',
  'febrero',
  'fevr',
  'fevrier',
  'fev',
  'februar',
  'febbraio',
  'februari',
);
months(3, 'mar', 'march', 'marco', 'marzo', 'mars', 'maerz', 'marz', 'mrz', 'maart', 'mrt');
months(4, 'apr', 'april', 'abr', 'abril', 'avr', 'avril', 'aprile');
months(5, 'may', 'mai', 'maio', 'mayo', 'mag', 'maggio', 'mei');
months(6, 'jun', 'june', 'junho', 'junio', 'juin', 'juni', 'giu', 'giugno');
months(7, 'jul', 'july', 'julho', 'julio', 'juil', 'juillet', 'juli', 'lug', 'luglio');
months(8, 'aug', 'august', 'ago', 'agosto', 'aout', 'augustus');
months(9, 'sep', 'sept', 'september', 'set', 'setembro', 'septiembre', 'setiembre', 'septembre', 'settembre');
months(10, 'oct', 'october', 'out', 'outubro', 'octubre', 'octobre', 'okt', 'oktober', 'ott', 'ottobre');
months(11, 'nov', 'november', 'novembro', 'noviembre', 'novembre');
months(12, 'dec', 'december', 'dez', 'dezembro', 'dic', 'diciembre', 'decembre', 'dezember', 'dicembre');

/** Zone abbreviations → minutes east of UTC. RFC 822 names first; the rest are what real feeds write. */
const ZONES: Record<string, number> = {
  UT: 0,
  UTC: 0,
  GMT: 0,
  Z: 0,
  EST: -300,
  EDT: -240,
  CST: -360,
  CDT: -300,
  MST: -420,
  MDT: -360,
  PST: -480,
  PDT: -420,
  AKST: -540,
  AKDT: -480,
  HST: -600,
  AST: -240,
  ADT: -180,
  NST: -210,
  NDT: -150,
  WET: 0,
  WEST: 60,
  BST: 60,
  IST: 60, // Irish Summer Time in European feeds; India uses +0530 numerically in practice
  CET: 60,
  CEST: 120,
  MET: 60,
  MEST: 120,
  MEZ: 60,
  MESZ: 120,
  EET: 120,
  EEST: 180,
  MSK: 180,
  BRT: -180,
  BRST: -120,
  ART: -180,
  JST: 540,
  KST: 540,
  HKT: 480,
  SGT: 480,
  AWST: 480,
  ACST: 570,
  ACDT: 630,
  AEST: 600,
  AEDT: 660,
  NZST: 720,
  NZDT: 780,
  // North American zone names without the standard/daylight letter (feedparser reads them as standard time).
  AT: -240,
  ET: -300,
  CT: -360,
  MT: -420,
  PT: -480,
};

const WORD = /\p{L}+\.?/gu;
const fold = (s: string) =>
  s.toLowerCase().normalize('NFD').replace(/\p{M}/gu, '').replace(/ä/g, 'ae').replace(/\.$/, '');

/** ISO 8601 / W3C-DTF: `2018-09-24`, `2018-09-24T10:00Z`, `2018-09-24 10:00:00.5+02:00`, `20180924T100000Z`. */
const ISO =
  /^(\d{4})-?(\d{2})-?(\d{2})(?:[T\s]+(\d{2}):?(\d{2})(?::?(\d{2})(?:[.,]\d+)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?|[A-Za-z]{1,5})?|\s*Z)?$/;

export function parseFeedDate(raw: string | null | undefined): string | null {
  const value = raw?.trim();
  if (!value || value.length > 100) return null;
  const reduced = /^(\d{4})(?:-(\d{2}))?$/.exec(value);
  if (reduced) return build(Number(reduced[1]), Number(reduced[2] ?? 1), 1, 0, 0, 0, 0);
  const iso = ISO.exec(value);
  if (iso) {
    const [, y, mo, d, h, mi, s, zone] = iso;
    return build(Number(y), Number(mo), Number(d), Number(h ?? 0), Number(mi ?? 0), Number(s ?? 0), zoneOffset(zone));
  }
  return parseRfc822(value);
}

function parseRfc822(value: string): string | null {
  // Drop a trailing comment ("(UTC)") and the Portuguese/Spanish "de"/"del" between the parts.
  const text = value
    .replace(/\([^)]*\)\s*$/, '')
    .replace(/\b(?:de|del)\b/gi, ' ')
    .trim();
  let month: number | null = null;
  let monthAt = -1;
  for (const match of text.matchAll(WORD)) {
    const m = MONTHS[fold(match[0])];
    if (m !== undefined) {
      month = m;
      monthAt = match.index;
      // A weekday named like a month never comes first with a number after it ("Mar" = martes only before a
      // comma), so the first month word with a number next to it wins.
      if (/\d/.test(text.slice(monthAt - 4, monthAt)) || /^\p{L}+\.?\s+\d/u.test(text.slice(monthAt))) break;
    }
  }
  if (month === null) return null;
  const before = text.slice(0, monthAt);
  const after = text.slice(monthAt).replace(/^\p{L}+\.?,?/u, '');
  // "24 Sep 2018 …" (day before) or "Sep 24, 2018 …" (day after).
  const dayBefore = before.match(/(\d{1,2})[\s.\-/]*$/);
  let day: number;
  let rest: string;
  if (dayBefore) {
    day = Number(dayBefore[1]);
    rest = after;
  } else {
    const dayAfter = after.match(/^[\s.\-/]*(\d{1,2})(?:st|nd|rd|th)?,?/);
    if (!dayAfter) return null;
    day = Number(dayAfter[1]);
    rest = after.slice(dayAfter[0].length);
  }
  const tail = rest.match(
    /^[\s.\-/,]*(\d{4}|\d{2})\b,?\s*(?:(?:at|à|às|a las|um|om|alle)\s+)?(?:(\d{1,2})[:h.](\d{2})(?:[:.](\d{2})(?:\.\d+)?)?\s*(am|pm)?)?\s*(?:hrs?\s*)?([+-]\d{2}:?\d{2}|(?:Etc\/)?[A-Za-z]{1,5}(?:[+-]\d{1,2}(?::?\d{2})?)?)?\s*$/i,
  );
  if (!tail) return asctime(month, day, rest);
  const [, y, h, mi, s, meridiem, zone] = tail;
  let year = Number(y);
  if ((y as string).length === 2) year += year < 50 ? 2000 : 1900;
  let hour = Number(h ?? 0);
  if (meridiem) hour = (hour % 12) + (meridiem.toLowerCase() === 'pm' ? 12 : 0);
  return build(year, month, day, hour, Number(mi ?? 0), Number(s ?? 0), zoneOffset(zone));
}

/** C's asctime and Twitter's old format: "Sun Jan  4 16:29:06 2004", "Sun Jul 15 01:16:00 +0000 2012". */
function asctime(month: number, day: number, rest: string): string | null {
  const m = rest.match(/^\s*(\d{1,2}):(\d{2}):(\d{2})\s+(?:([+-]\d{4}|[A-Za-z]{1,5})\s+)?(\d{4})\s*$/);
  if (!m) return null;
  const [, h, mi, s, zone, y] = m;
  return build(Number(y), month, day, Number(h), Number(mi), Number(s), zoneOffset(zone));
}

/** Minutes east of UTC; unknown names count as UTC (the wall time is still the best reading there is). */
function zoneOffset(zone: string | undefined): number {
  if (!zone) return 0;
  const numeric = zone.match(/^([+-])(\d{2}):?(\d{2})?$/);
  if (numeric) return (numeric[1] === '-' ? -1 : 1) * (Number(numeric[2]) * 60 + Number(numeric[3] ?? 0));
  // "GMT+2", "UTC-03:00"
  const shifted = zone.match(/^(?:Etc\/)?(?:GMT|UTC|UT)([+-])(\d{1,2})(?::?(\d{2}))?$/i);
  if (/^Etc\/(?:GMT|UTC|UT)$/i.test(zone)) return 0;
  if (shifted) return (shifted[1] === '-' ? -1 : 1) * (Number(shifted[2]) * 60 + Number(shifted[3] ?? 0));
  return ZONES[zone.toUpperCase()] ?? 0;
}

function build(year: number, month: number, day: number, hour: number, minute: number, second: number, offset: number) {
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 24 || minute > 59 || second > 60) return null;
  const ms = Date.UTC(year, month - 1, day, hour, minute, Math.min(second, 59)) - offset * 60_000;
  const date = new Date(ms);
  // 31 February and friends roll over in Date.UTC: refuse them instead of moving the item to March.
  if (new Date(Date.UTC(year, month - 1, day)).getUTCDate() !== day) return null;
  const y = date.getUTCFullYear();
  return Number.isFinite(ms) && y >= 1990 && y <= 2200 ? date.toISOString() : null;
}
