import type { FeedDecoding } from '#shared/events/schemas.ts';

/**
 * The bytes of a feed → text, never silently as UTF-8. Where the encoding comes from, in order:
 *   1. a byte-order mark (UTF-8, UTF-16 LE/BE) — it cannot be wrong about itself;
 *   2. the HTTP `Content-Type` charset, then the XML declaration (`<?xml … encoding="…"?>`), each used only when the
 *      codec knows the label and, for UTF-8 and the multi-byte CJK codecs, the bytes are valid in it (a feed whose
 *      server says UTF-8 but whose bytes are windows-1252 is the commonest mislabel there is);
 *   3. no usable label: valid UTF-8 stays UTF-8 (the XML default), anything else is detected (chardet).
 * Labels are read the way browsers read them (WHATWG Encoding): `iso-8859-1`/`us-ascii` mean windows-1252 (its
 * superset, which is what such feeds really hold: curly quotes in 0x80–0x9F), `gb2312` means GBK.
 * Bytes the chosen codec cannot map become U+FFFD and are counted (`invalid_sequence`); C0 control characters that
 * XML forbids are removed and counted (`control_character`). The result says which codec was used and why.
 *
 * The codec (iconv-lite) and the detector (chardet) are loaded on first use: they are installed next to the
 * function bundle instead of inside it (cdk), so they cost nothing at cold start.
 */
export interface DecodedFeed {
  text: string;
  decoding: FeedDecoding;
}

interface Codecs {
  decode(bytes: Uint8Array, encoding: string): string;
  exists(encoding: string): boolean;
  detect(bytes: Uint8Array): { name: string; confidence: number }[];
}

let codecs: Promise<Codecs> | null = null;
function loadCodecs(): Promise<Codecs> {
  codecs ??= Promise.all([import('iconv-lite'), import('chardet')]).then(([iconvModule, chardetModule]) => {
    const iconv = iconvModule.default ?? iconvModule;
    return {
      decode: (bytes, encoding) =>
        iconv.decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), encoding),
      exists: (encoding) => iconv.encodingExists(encoding),
      detect: (bytes) => chardetModule.analyse(bytes).map((m) => ({ name: m.name, confidence: m.confidence })),
    };
  });
  return codecs;
}

/** WHATWG Encoding label → the codec that really decodes what is sent under it. */
const LABEL_ALIASES: Record<string, string> = {
  'iso-8859-1': 'windows-1252',
  iso8859_1: 'windows-1252',
  'iso_8859-1': 'windows-1252',
  latin1: 'windows-1252',
  'latin-1': 'windows-1252',
  l1: 'windows-1252',
  'us-ascii': 'windows-1252',
  ascii: 'windows-1252',
  'ansi_x3.4-1968': 'windows-1252',
  cp1252: 'windows-1252',
  'iso-8859-9': 'windows-1254',
  latin5: 'windows-1254',
  'iso-8859-11': 'windows-874',
  'tis-620': 'windows-874',
  gb2312: 'gbk',
  gb_2312: 'gbk',
  'gb_2312-80': 'gbk',
  'x-gbk': 'gbk',
  'euc-cn': 'gbk',
  'x-euc-cn': 'gbk',
  big5: 'big5hkscs',
  'big5-hkscs': 'big5hkscs',
  'x-sjis': 'shift_jis',
  sjis: 'shift_jis',
  ms_kanji: 'shift_jis',
  'windows-31j': 'shift_jis',
  cp932: 'shift_jis',
  'ks_c_5601-1987': 'euc-kr',
  'x-euc-jp': 'euc-jp',
  utf8: 'utf-8',
  'unicode-1-1-utf-8': 'utf-8',
  'utf-16': 'utf-16le',
  'x-mac-roman': 'macintosh',
  'x-mac-cyrillic': 'maccyrillic',
};

/** Codecs whose byte sequences have structure, so invalid input is detectable (a single-byte codec maps anything). */
const STRUCTURED = /^(?:utf-8|gbk|gb18030|big5hkscs|shift_jis|euc-jp|euc-kr)$/;

export function canonicalLabel(label: string): string {
  const clean = label
    .trim()
    .toLowerCase()
    .replace(/^["']|["']$/g, '');
  return LABEL_ALIASES[clean] ?? clean;
}

/** `charset` of a Content-Type header, as written. */
export function headerCharset(contentType: string | undefined): string | null {
  const match = contentType?.match(/;\s*charset\s*=\s*("?)([^";\s]+)\1/i);
  return match?.[2] ?? null;
}

/** `encoding` of an XML declaration at the start of the document (ASCII-compatible bytes only). */
export function xmlDeclaredEncoding(bytes: Uint8Array): string | null {
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, 512)).toString('latin1');
  const decl = head.match(/^\s*<\?xml\s[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']/);
  return decl?.[1] ?? null;
}

function bomOf(bytes: Uint8Array): { encoding: string; length: number } | null {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { encoding: 'utf-8', length: 3 };
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { encoding: 'utf-16le', length: 2 };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { encoding: 'utf-16be', length: 2 };
  return null;
}

/** UTF-16 without a BOM announces itself by the zero bytes around `<?xml` (XML 1.0 appendix F). */
function utf16WithoutBom(bytes: Uint8Array): string | null {
  if (bytes[0] === 0x3c && bytes[1] === 0x00 && bytes[2] === 0x3f && bytes[3] === 0x00) return 'utf-16le';
  if (bytes[0] === 0x00 && bytes[1] === 0x3c && bytes[2] === 0x00 && bytes[3] === 0x3f) return 'utf-16be';
  return null;
}

function isValidUtf8(bytes: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

const REPLACEMENT = /\uFFFD/g;
const C1_CONTROLS = /[\u0080-\u009F]/;
const C1_CONTROLS_ALL = /[\u0080-\u009F]/g;
let c1Map: Map<string, string> | null = null;
function c1Punctuation(decode: Codecs['decode']): Map<string, string> {
  if (!c1Map) {
    c1Map = new Map();
    for (let byte = 0x80; byte <= 0x9f; byte++) {
      const char = decode(Uint8Array.of(byte), 'windows-1252');
      if (char !== '\uFFFD' && char.charCodeAt(0) > 0x9f) c1Map.set(String.fromCharCode(byte), char);
    }
  }
  return c1Map;
}
// XML 1.0 forbids C0 controls other than tab, newline and carriage return.
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are exactly the characters we remove
const FORBIDDEN_CONTROLS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g;

/**
 * Decodes a fetched feed. `contentType` is the response header (may be absent); `bytes` the raw body.
 */
export async function decodeFeed(bytes: Uint8Array, contentType?: string): Promise<DecodedFeed> {
  const { decode, exists, detect } = await loadCodecs();
  const fromHeader = headerCharset(contentType);
  const fromXml = xmlDeclaredEncoding(bytes);
  const declared = fromHeader ?? fromXml;
  const usable = (label: string | null) => {
    if (!label) return null;
    const codec = canonicalLabel(label);
    return exists(codec) ? codec : null;
  };
  const fits = (codec: string, body: Uint8Array) =>
    codec === 'utf-8' ? isValidUtf8(body) : !STRUCTURED.test(codec) || !decode(body, codec).includes('\uFFFD');

  let body = bytes;
  let chosen: { codec: string; source: FeedDecoding['encodingSource']; confidence: number | null } | null = null;
  const bom = bomOf(bytes);
  if (bom) {
    chosen = { codec: bom.encoding, source: 'bom', confidence: null };
    body = bytes.subarray(bom.length);
  } else {
    const sixteen = utf16WithoutBom(bytes);
    if (sixteen) chosen = { codec: sixteen, source: 'xml', confidence: null };
  }
  if (!chosen) {
    for (const [label, source] of [
      [fromHeader, 'http'],
      [fromXml, 'xml'],
    ] as const) {
      const codec = usable(label);
      // A declared single-byte codec over bytes that are valid, non-ASCII UTF-8 is the other common mislabel (a
      // server default of iso-8859-1 in front of a UTF-8 file): such bytes are almost never real single-byte text.
      if (codec && codec !== 'utf-8' && !STRUCTURED.test(codec) && hasMultibyteUtf8(body)) continue;
      if (codec && fits(codec, body)) {
        chosen = { codec, source, confidence: null };
        break;
      }
    }
  }
  if (!chosen && isValidUtf8(body)) {
    chosen = { codec: 'utf-8', source: declared ? 'detected' : 'default', confidence: null };
  }
  if (!chosen && (!declared || usable(declared) === 'utf-8')) {
    // UTF-8 (declared or by default) with a few broken sequences among many good ones is damaged UTF-8, not another
    // charset: decoding it as windows-1252 would garble every good character to fix a few bad ones.
    const { valid, invalid } = utf8Sequences(body);
    if (valid > 0 && valid >= invalid) {
      chosen = { codec: 'utf-8', source: declared ? (fromHeader ? 'http' : 'xml') : 'default', confidence: null };
    }
  }
  if (!chosen) {
    const guess = detect(body).find((m) => exists(canonicalLabel(m.name)));
    chosen = guess
      ? { codec: canonicalLabel(guess.name), source: 'detected', confidence: guess.confidence / 100 }
      : { codec: usable(declared) ?? 'utf-8', source: 'detected', confidence: null };
  }

  const raw = decode(body, chosen.codec);
  const invalid = raw.match(REPLACEMENT)?.length ?? 0;
  // A literal U+FFFD in valid UTF-8 is text, not a decoding loss.
  const literal = chosen.codec === 'utf-8' && invalid > 0 && isValidUtf8(body) ? invalid : 0;
  const controls = raw.match(FORBIDDEN_CONTROLS)?.length ?? 0;
  let text = controls > 0 ? raw.replace(FORBIDDEN_CONTROLS, '') : raw;
  // C1 controls (U+0080–U+009F) in decoded text are windows-1252 punctuation written as code points by tools that
  // confused the two ("don\u0092t"); browsers read them the same way. Nothing is lost, so nothing is counted.
  if (C1_CONTROLS.test(text)) {
    const c1 = c1Punctuation(decode);
    text = text.replace(C1_CONTROLS_ALL, (c) => c1.get(c) ?? c);
  }
  return {
    text,
    decoding: {
      encoding: chosen.codec,
      encodingSource: chosen.source,
      declaredEncoding: declared ? declared.trim().toLowerCase() : null,
      confidence: chosen.confidence,
      undecodable: { invalid_sequence: invalid - literal, control_character: controls },
    },
  };
}

/** True when the bytes hold at least one multi-byte UTF-8 sequence and no invalid one. */
function hasMultibyteUtf8(bytes: Uint8Array): boolean {
  let multibyte = false;
  for (let i = 0; i < bytes.length; i++) {
    if ((bytes[i] as number) >= 0x80) {
      multibyte = true;
      break;
    }
  }
  return multibyte && isValidUtf8(bytes);
}

/** Multi-byte UTF-8 sequences that are well-formed, and bytes ≥ 0x80 that belong to none. */
function utf8Sequences(bytes: Uint8Array): { valid: number; invalid: number } {
  let valid = 0;
  let invalid = 0;
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i] as number;
    const length =
      b < 0x80 ? 1 : b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (length === 1) {
      i++;
      continue;
    }
    let ok = length > 0 && i + length <= bytes.length;
    for (let k = 1; ok && k < length; k++) ok = ((bytes[i + k] as number) & 0xc0) === 0x80;
    if (ok) {
      valid++;
      i += length;
    } else {
      invalid++;
      i++;
    }
  }
  return { valid, invalid };
}
