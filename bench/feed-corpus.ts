/**
 * The feed connector over a public feed test corpus nobody here wrote (`npx tsx bench/feed-corpus.ts`; issue 15):
 * the test feeds of the Python feedparser project (`tests/` of its repository), read from the directory in
 * `FEEDPARSER_TESTS_DIR`; the script says so and exits 0 when it is not set. Nothing of the corpus is copied here.
 *
 * Each test feed carries its HTTP headers and expectations in a comment (`Header: Content-type: …`,
 * `Expect: … entries[0]['title'] == '…'`). The script serves each feed's bytes with its header to the production
 * connector (RssConnector) and reports:
 *   - feeds read, feeds refused (with the reason), items kept, items skipped by reason;
 *   - garbled items (U+FFFD, or UTF-8 read as a single-byte charset: Ã©, â€™);
 *   - for the encoding tests, how many of the expected title/description/summary strings come out exactly;
 *   - the date-parser cases of tests/test_date_parsers.py, per feedparser parser family: expected dates read right,
 *     and inputs feedparser rejects that we accept.
 * Always exits 0.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { htmlToText } from '../functions/adapters/connectors/common.ts';
import { parseFeedDate } from '../functions/adapters/connectors/feed-dates.ts';
import { RssConnector } from '../functions/adapters/connectors/rss.ts';
import type { RssConfig } from '../shared/contracts/connectors.ts';
import { ConnectorError, type NormalizedItem } from '../shared/ports/signal-connector.ts';

const dir = process.env.FEEDPARSER_TESTS_DIR;
if (!dir) {
  console.log("feed-corpus: set FEEDPARSER_TESTS_DIR to the tests/ folder of feedparser's repository (skipped)");
  process.exit(0);
}

const GROUPS = [
  'encoding',
  'illformed/chardet',
  'wellformed/rss',
  'wellformed/atom',
  'wellformed/atom10',
  'wellformed/rdf',
  'wellformed/itunes',
  'wellformed/lang',
  'wellformed/base',
  'wellformed/amp',
  'wellformed/cdf',
  'wellformed/namespace',
  'wellformed/http',
  'wellformed/xml',
  'wellformed/node_precedence',
  'json',
];
const GARBLED = /\uFFFD|Ã[\u0080-\u00BF]|â€|Å[\u0080-\u00BF]/u;

function files(path: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(path)) {
    const full = join(path, name);
    if (statSync(full).isDirectory()) out.push(...files(full));
    else if (/\.(xml|json)$/.test(name)) out.push(full);
  }
  return out;
}

/** A Python string literal's value ('…' with \xNN, \uNNNN, \n, \\ and \' escapes). */
function pythonString(literal: string): string {
  return literal.replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|n|t|r|\\|'|")/g, (_, e: string) => {
    if (e[0] === 'x' || e[0] === 'u' || e[0] === 'U') return String.fromCodePoint(Number.parseInt(e.slice(1), 16));
    return ({ n: '\n', t: '\t', r: '\r' } as Record<string, string>)[e] ?? e;
  });
}

const tally = {
  feeds: 0,
  read: 0,
  refused: new Map<string, number>(),
  items: 0,
  skipped: new Map<string, number>(),
  garbled: [] as string[],
  expectedStrings: 0,
  matchedStrings: 0,
  mismatches: [] as string[],
};
const count = (map: Map<string, number>, key: string, n = 1) => map.set(key, (map.get(key) ?? 0) + n);

for (const group of GROUPS) {
  let groupFiles: string[];
  try {
    groupFiles = files(join(dir, group));
  } catch {
    continue;
  }
  for (const file of groupFiles) {
    const bytes = readFileSync(file);
    const head = bytes.subarray(0, 2000).toString('latin1');
    const contentType = head.match(/^Header:\s*Content-type:\s*(.+)$/im)?.[1]?.trim();
    const expect = head.match(/^Expect:\s*(.+)$/m)?.[1] ?? '';
    tally.feeds++;
    const connector = new RssConnector(
      {
        request: async () => ({
          status: 200,
          headers: contentType ? { 'content-type': contentType } : {},
          body: bytes.toString('utf8'),
          bytes,
        }),
      },
      () => new Date('2026-01-01T00:00:00Z'),
    );
    let items: NormalizedItem[] = [];
    try {
      const page = await connector.poll({
        config: { source: 'rss', feedUrl: 'http://127.0.0.1/feed' } as RssConfig,
        cursor: null,
      });
      tally.read++;
      items = page.items;
      tally.items += items.length;
      for (const [reason, n] of Object.entries(page.skipped)) count(tally.skipped, reason, n ?? 0);
    } catch (error) {
      const reason =
        error instanceof ConnectorError ? error.message.replace(/\(.*$/, '').trim() : `crash: ${String(error)}`;
      count(tally.refused, reason);
      continue;
    }
    for (const item of items) {
      if (GARBLED.test(`${item.title ?? ''} ${item.text}`) && !/bozo/.test(expect)) {
        tally.garbled.push(relative(dir, file));
      }
    }
    if (group === 'encoding' || group === 'illformed/chardet') {
      const wanted = expect.match(/entries\[0\]\['(title|description|summary)'\] == u?'((?:[^'\\]|\\.)*)'/);
      if (wanted) {
        tally.expectedStrings++;
        // feedparser keeps descriptions as HTML; the connector's output is text, so the expectation is compared as text.
        const value = htmlToText(pythonString(wanted[2] as string));
        const got = wanted[1] === 'title' ? (items[0]?.title ?? '') : (items[0]?.text ?? '');
        if (got === value) tally.matchedStrings++;
        else
          tally.mismatches.push(
            `${relative(dir, file)}: expected ${JSON.stringify(value)}, got ${JSON.stringify(got)}`,
          );
      }
    }
  }
}

console.log(`feedparser corpus (${dir}): ${tally.feeds} test feeds in ${GROUPS.length} groups`);
console.log(`  read: ${tally.read}; refused: ${tally.feeds - tally.read}`);
for (const [reason, n] of [...tally.refused].sort((a, b) => b[1] - a[1])) console.log(`    ${n} × ${reason}`);
console.log(
  `  items kept: ${tally.items}; skipped: ${[...tally.skipped].map(([r, n]) => `${r} ${n}`).join(', ') || 'none'}`,
);
console.log(
  `  garbled items (feeds not marked bozo): ${tally.garbled.length}${tally.garbled.length ? ` — ${tally.garbled.slice(0, 5).join(', ')}` : ''}`,
);
console.log(
  `  encoding tests: expected title/description strings read exactly: ${tally.matchedStrings}/${tally.expectedStrings}`,
);
for (const line of tally.mismatches.slice(0, 10)) console.log(`    ${line}`);

// Date cases of test_date_parsers.py: (parser, "input", (y, m, d, H, M, S, …) | None).
const source = readFileSync(join(dir, 'test_date_parsers.py'), 'utf8');
const families = new Map<string, { right: number; total: number; falseAccepts: number; rejected: number }>();
const misses: string[] = [];
for (const m of source.matchAll(/\(\s*_parse_date_(\w+),\s*"((?:[^"\\]|\\.)*)",\s*(\([^)]*\)|None),?\s*\)/g)) {
  const family = m[1] as string;
  const input = pythonString(m[2] as string);
  const f = families.get(family) ?? { right: 0, total: 0, falseAccepts: 0, rejected: 0 };
  families.set(family, f);
  const got = parseFeedDate(input);
  if (m[3] === 'None') {
    f.rejected++;
    if (got) {
      f.falseAccepts++;
      misses.push(`${family}: ${JSON.stringify(input)} → ${got} (feedparser rejects it)`);
    }
    continue;
  }
  const [y, mo, d, h, mi, s] = (m[3] as string)
    .replace(/[()\s]/g, '')
    .split(',')
    .map(Number);
  const expected = new Date(Date.UTC(y as number, (mo as number) - 1, d, h, mi, s)).toISOString();
  f.total++;
  if (got === expected) f.right++;
  else misses.push(`${family}: ${JSON.stringify(input)} → ${got} (expected ${expected})`);
}
console.log(
  '  dates of test_date_parsers.py, per feedparser parser family: read right / with a date; false accepts / inputs feedparser rejects',
);
for (const [family, f] of families) {
  console.log(`    ${family.padEnd(10)} ${f.right}/${f.total}   false accepts ${f.falseAccepts}/${f.rejected}`);
}
for (const line of misses.slice(0, 40)) console.log(`    miss ${line}`);
