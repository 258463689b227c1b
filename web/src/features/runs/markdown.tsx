import type { ReactNode } from 'react';

/**
 * A tiny, safe Markdown renderer for AI answers, which are untrusted data.
 *
 * Safety comes from construction, not from sanitising HTML: the text is parsed into a small block/inline tree
 * and rendered as React elements, so every character reaches the DOM as a text node (React escapes it). Raw
 * HTML in the answer is shown as literal text; there is no `dangerouslySetInnerHTML`. Links are rendered only
 * for absolute `http:`/`https:` URLs (never `javascript:`, `data:`, relative or protocol-relative), open in a
 * new tab with `rel="noopener noreferrer nofollow ugc"` and show their host, so link text cannot disguise
 * where it goes. Images are not loaded (shown as a link). Supported: headings, paragraphs, bold/italic/
 * strikethrough, inline code and fenced code blocks, ordered/unordered (nested) lists, block quotes, tables,
 * horizontal rules, `[text](url)`, `<url>` and bare URLs.
 */

export type Block =
  | { kind: 'heading'; id: number; level: number; text: string }
  | { kind: 'paragraph'; id: number; text: string }
  | { kind: 'code'; id: number; text: string }
  | { kind: 'hr'; id: number }
  | { kind: 'quote'; id: number; blocks: Block[] }
  | { kind: 'list'; id: number; ordered: boolean; start: number; items: ListItem[] }
  | { kind: 'table'; id: number; header: string[]; align: Align[]; rows: string[][] };

export interface ListItem {
  id: number;
  text: string;
  children: Block[];
}

type Align = 'left' | 'center' | 'right' | undefined;

/** Above this, a paragraph is shown as plain text: keeps rendering linear on hostile input. */
const MAX_INLINE_CHARS = 8_000;
const MAX_DEPTH = 4;

const FENCE = /^\s{0,3}(`{3,}|~{3,})(.*)$/;
const HEADING = /^\s{0,3}(#{1,6})\s+(.*?)(?:\s+#+)?\s*$/;
const HR = /^\s{0,3}([-*_])(?:\s*\1){2,}\s*$/;
const LIST_ITEM = /^(\s*)([-*+]|\d{1,9}[.)])\s+(.*)$/;
const QUOTE = /^\s{0,3}>\s?(.*)$/;
const TABLE_SEPARATOR = /^\s*\|?\s*:?-{1,}:?\s*(?:\|\s*:?-{1,}:?\s*)*\|?\s*$/;

/** Only absolute http(s) URLs become links. */
export function safeHref(raw: string): string | null {
  const trimmed = raw.trim();
  if (!/^https?:\/\//i.test(trimmed)) return null;
  try {
    const url = new URL(trimmed);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

export function parseMarkdown(source: string): Block[] {
  const ids = { next: 0 };
  const lines = source.replace(/\r\n?/g, '\n').split('\n');
  return parseBlocks(lines, ids, 0);
}

function indentOf(line: string): number {
  let n = 0;
  for (const ch of line) {
    if (ch === ' ') n += 1;
    else if (ch === '\t') n += 4;
    else break;
  }
  return n;
}

function splitRow(line: string): string[] {
  let row = line.trim();
  if (row.startsWith('|')) row = row.slice(1);
  if (row.endsWith('|') && !row.endsWith('\\|')) row = row.slice(0, -1);
  const cells: string[] = [];
  let cell = '';
  for (let i = 0; i < row.length; i++) {
    const ch = row[i];
    if (ch === '\\' && row[i + 1] === '|') {
      cell += '|';
      i += 1;
    } else if (ch === '|') {
      cells.push(cell.trim());
      cell = '';
    } else cell += ch;
  }
  cells.push(cell.trim());
  return cells;
}

function startsBlock(line: string, next: string | undefined): boolean {
  return (
    FENCE.test(line) ||
    HEADING.test(line) ||
    HR.test(line) ||
    QUOTE.test(line) ||
    LIST_ITEM.test(line) ||
    (line.includes('|') && next !== undefined && TABLE_SEPARATOR.test(next) && next.includes('-'))
  );
}

function parseBlocks(lines: string[], ids: { next: number }, depth: number): Block[] {
  const blocks: Block[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i] ?? '';
    if (line.trim() === '') {
      i += 1;
      continue;
    }
    const fence = FENCE.exec(line);
    if (fence) {
      const marker = fence[1] ?? '```';
      const body: string[] = [];
      i += 1;
      while (i < lines.length && !(lines[i] ?? '').trimStart().startsWith(marker)) {
        body.push(lines[i] ?? '');
        i += 1;
      }
      i += 1; // closing fence (or end of text)
      blocks.push({ kind: 'code', id: ids.next++, text: body.join('\n') });
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading) {
      blocks.push({ kind: 'heading', id: ids.next++, level: heading[1]?.length ?? 1, text: heading[2] ?? '' });
      i += 1;
      continue;
    }
    if (HR.test(line)) {
      blocks.push({ kind: 'hr', id: ids.next++ });
      i += 1;
      continue;
    }
    const next = lines[i + 1];
    if (line.includes('|') && next !== undefined && TABLE_SEPARATOR.test(next) && next.includes('-')) {
      const header = splitRow(line);
      const align: Align[] = splitRow(next).map((spec) => {
        const left = spec.startsWith(':');
        const right = spec.endsWith(':');
        return left && right ? 'center' : right ? 'right' : left ? 'left' : undefined;
      });
      const rows: string[][] = [];
      i += 2;
      while (i < lines.length && (lines[i] ?? '').includes('|') && (lines[i] ?? '').trim() !== '') {
        rows.push(splitRow(lines[i] ?? ''));
        i += 1;
      }
      blocks.push({ kind: 'table', id: ids.next++, header, align, rows });
      continue;
    }
    if (QUOTE.test(line)) {
      const inner: string[] = [];
      while (i < lines.length && QUOTE.test(lines[i] ?? '')) {
        inner.push(QUOTE.exec(lines[i] ?? '')?.[1] ?? '');
        i += 1;
      }
      blocks.push(
        depth >= MAX_DEPTH
          ? { kind: 'paragraph', id: ids.next++, text: inner.join(' ') }
          : { kind: 'quote', id: ids.next++, blocks: parseBlocks(inner, ids, depth + 1) },
      );
      continue;
    }
    if (LIST_ITEM.test(line)) {
      const entries: { indent: number; ordered: boolean; start: number; text: string }[] = [];
      while (i < lines.length) {
        const current = lines[i] ?? '';
        const item = LIST_ITEM.exec(current);
        if (item) {
          const marker = item[2] ?? '-';
          const ordered = /\d/.test(marker);
          entries.push({
            indent: indentOf(item[1] ?? ''),
            ordered,
            start: ordered ? Number.parseInt(marker, 10) : 1,
            text: item[3] ?? '',
          });
          i += 1;
          continue;
        }
        if (current.trim() === '') {
          // A blank line continues the list only if more of it follows.
          const after = lines[i + 1];
          if (after !== undefined && (LIST_ITEM.test(after) || (indentOf(after) >= 2 && after.trim() !== ''))) {
            i += 1;
            continue;
          }
          break;
        }
        const last = entries[entries.length - 1];
        if (last && !startsBlock(current, lines[i + 1])) {
          last.text += ` ${current.trim()}`;
          i += 1;
          continue;
        }
        break;
      }
      blocks.push(...buildLists(entries, ids, depth));
      continue;
    }
    const paragraph: string[] = [line.trim()];
    i += 1;
    while (i < lines.length && (lines[i] ?? '').trim() !== '' && !startsBlock(lines[i] ?? '', lines[i + 1])) {
      paragraph.push((lines[i] ?? '').trim());
      i += 1;
    }
    blocks.push({ kind: 'paragraph', id: ids.next++, text: paragraph.join('\n') });
  }
  return blocks;
}

/** Nests list entries by indentation: deeper entries become child lists of the entry before them. */
function buildLists(
  entries: { indent: number; ordered: boolean; start: number; text: string }[],
  ids: { next: number },
  depth: number,
): Block[] {
  const out: Block[] = [];
  let i = 0;
  while (i < entries.length) {
    const first = entries[i];
    if (!first) break;
    const base = first.indent;
    const list: Extract<Block, { kind: 'list' }> = {
      kind: 'list',
      id: ids.next++,
      ordered: first.ordered,
      start: first.start,
      items: [],
    };
    while (i < entries.length) {
      const entry = entries[i];
      if (!entry || entry.indent < base || (entry.indent === base && entry.ordered !== list.ordered)) break;
      if (entry.indent > base && list.items.length > 0) {
        // Children of the previous item: every following entry deeper than this level.
        const children: typeof entries = [];
        while (i < entries.length && (entries[i]?.indent ?? 0) > base) {
          const child = entries[i];
          if (child) children.push(child);
          i += 1;
        }
        const parent = list.items[list.items.length - 1];
        if (parent) {
          if (depth >= MAX_DEPTH) parent.text += ` ${children.map((c) => c.text).join(' ')}`;
          else parent.children.push(...buildLists(children, ids, depth + 1));
        }
        continue;
      }
      list.items.push({ id: ids.next++, text: entry.text, children: [] });
      i += 1;
    }
    // Anything left is dedented below this level or switches list type: it starts the next list.
    out.push(list);
  }
  return out;
}

// Inline ---------------------------------------------------------------------------------------------

const BARE_URL = /^https?:\/\/[^\s<>"'`]+/i;
const TRAILING_PUNCTUATION = /[.,;:!?'")\]*_]+$/;
const LINK = /^!?\[([^\]\n]{0,500})\]\(\s*<?([^)\s>]{1,2048})>?(?:\s+(?:"[^"\n]*"|'[^'\n]*'))?\s*\)/;

function host(href: string): string {
  try {
    return new URL(href).host;
  } catch {
    return href;
  }
}

function ExternalLink({ href, children }: { href: string; children: ReactNode }) {
  return (
    <a href={href} target="_blank" rel="noopener noreferrer nofollow ugc" title={href}>
      {children}
    </a>
  );
}

export function renderInline(text: string, keyPrefix = 'i', depth = 0): ReactNode[] {
  if (text.length > MAX_INLINE_CHARS || depth > MAX_DEPTH) return [text];
  const out: ReactNode[] = [];
  let plain = '';
  let n = 0;
  const key = () => `${keyPrefix}.${n++}`;
  const flush = () => {
    if (plain) out.push(plain);
    plain = '';
  };
  let i = 0;
  while (i < text.length) {
    const ch = text[i] ?? '';
    const rest = text.slice(i);
    const prev = i > 0 ? (text[i - 1] ?? '') : ' ';

    if (ch === '\\' && i + 1 < text.length && /[\\`*_[\]()#+\-.!|<>~]/.test(text[i + 1] ?? '')) {
      plain += text[i + 1];
      i += 2;
      continue;
    }
    if (ch === '\n') {
      flush();
      out.push(<br key={key()} />);
      i += 1;
      continue;
    }
    if (ch === '`') {
      const close = text.indexOf('`', i + 1);
      if (close > i + 1) {
        flush();
        out.push(<code key={key()}>{text.slice(i + 1, close)}</code>);
        i = close + 1;
        continue;
      }
    }
    if (ch === '[' || (ch === '!' && text[i + 1] === '[')) {
      const link = LINK.exec(rest);
      if (link) {
        const label = link[1] ?? '';
        const href = safeHref(link[2] ?? '');
        flush();
        const k = key();
        if (href) {
          const isImage = ch === '!';
          out.push(
            <span key={k} className="md-link">
              <ExternalLink href={href}>
                {isImage ? `Image: ${label || host(href)}` : renderInline(label, k, depth + 1)}
              </ExternalLink>
              <span className="md-link-host"> ({host(href)})</span>
            </span>,
          );
        } else {
          // Not a safe URL: show what the answer said, inert.
          out.push(<span key={k}>{link[0]}</span>);
        }
        i += link[0].length;
        continue;
      }
    }
    if (ch === '<') {
      const auto = /^<(https?:\/\/[^>\s]{1,2048})>/i.exec(rest);
      const href = auto ? safeHref(auto[1] ?? '') : null;
      if (auto && href) {
        flush();
        out.push(
          <ExternalLink key={key()} href={href}>
            {auto[1]}
          </ExternalLink>,
        );
        i += auto[0].length;
        continue;
      }
    }
    if ((ch === 'h' || ch === 'H') && !/[A-Za-z0-9]/.test(prev)) {
      const bare = BARE_URL.exec(rest);
      if (bare) {
        const url = bare[0].replace(TRAILING_PUNCTUATION, '');
        const href = safeHref(url);
        if (href && url.length > 'https://'.length) {
          flush();
          out.push(
            <ExternalLink key={key()} href={href}>
              {url}
            </ExternalLink>,
          );
          i += url.length;
          continue;
        }
      }
    }
    const pair = text.slice(i, i + 2);
    if (pair === '**' || pair === '__' || pair === '~~') {
      const close = text.indexOf(pair, i + 2);
      if (close > i + 2 && (pair !== '__' || !/[A-Za-z0-9]/.test(prev))) {
        flush();
        const k = key();
        const inner = renderInline(text.slice(i + 2, close), k, depth + 1);
        out.push(pair === '~~' ? <del key={k}>{inner}</del> : <strong key={k}>{inner}</strong>);
        i = close + 2;
        continue;
      }
    }
    if ((ch === '*' || ch === '_') && text[i + 1] !== ch && text[i + 1] !== ' ' && i + 1 < text.length) {
      const close = text.indexOf(ch, i + 1);
      const wordy = ch === '_' && /[A-Za-z0-9]/.test(prev);
      if (
        close > i + 1 &&
        text[close - 1] !== ' ' &&
        !wordy &&
        !(ch === '_' && /[A-Za-z0-9]/.test(text[close + 1] ?? ''))
      ) {
        flush();
        const k = key();
        out.push(<em key={k}>{renderInline(text.slice(i + 1, close), k, depth + 1)}</em>);
        i = close + 1;
        continue;
      }
    }
    plain += ch;
    i += 1;
  }
  flush();
  return out;
}

function renderBlock(block: Block): ReactNode {
  const k = `b${block.id}`;
  switch (block.kind) {
    case 'heading': {
      // Page structure stays ours: answer headings render below the page's own h1/h2.
      const level = Math.min(6, Math.max(3, block.level + 2));
      const Tag = `h${level}` as 'h3' | 'h4' | 'h5' | 'h6';
      return (
        <Tag key={k} className="md-heading">
          {renderInline(block.text, k)}
        </Tag>
      );
    }
    case 'paragraph':
      return <p key={k}>{renderInline(block.text, k)}</p>;
    case 'code':
      return (
        <pre key={k} className="md-code">
          <code>{block.text}</code>
        </pre>
      );
    case 'hr':
      return <hr key={k} />;
    case 'quote':
      return <blockquote key={k}>{block.blocks.map(renderBlock)}</blockquote>;
    case 'list': {
      const items = block.items.map((item) => (
        <li key={`l${item.id}`}>
          {renderInline(item.text, `l${item.id}`)}
          {item.children.map(renderBlock)}
        </li>
      ));
      return block.ordered ? (
        <ol key={k} start={block.start === 1 ? undefined : block.start}>
          {items}
        </ol>
      ) : (
        <ul key={k}>{items}</ul>
      );
    }
    case 'table': {
      const width = Math.max(block.header.length, ...block.rows.map((r) => r.length));
      const columns = Array.from({ length: width }, (_, c) => c);
      return (
        <div key={k} className="md-table-wrap">
          <table className="table table--compact md-table">
            <thead>
              <tr>
                {columns.map((c) => (
                  <th key={`${k}h${c}`} scope="col" style={{ textAlign: block.align[c] }}>
                    {renderInline(block.header[c] ?? '', `${k}h${c}`)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {block.rows.map((row, r) => {
                const rk = `${k}r${r}`;
                return (
                  <tr key={rk}>
                    {columns.map((c) => (
                      <td key={`${rk}c${c}`} style={{ textAlign: block.align[c] }}>
                        {renderInline(row[c] ?? '', `${rk}c${c}`)}
                      </td>
                    ))}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      );
    }
  }
}

export function SafeMarkdown({ text }: { text: string }) {
  return <div className="markdown">{parseMarkdown(text).map(renderBlock)}</div>;
}

/** Every distinct http(s) URL the text mentions (markdown links, autolinks and bare URLs), in order. */
export function extractLinks(text: string): string[] {
  const found = new Set<string>();
  const pattern = /\]\(\s*<?(https?:\/\/[^)\s>]+)|<(https?:\/\/[^>\s]+)>|(https?:\/\/[^\s<>"'`)\]]+)/gi;
  for (const match of text.matchAll(pattern)) {
    const raw = (match[1] ?? match[2] ?? match[3] ?? '').replace(TRAILING_PUNCTUATION, '');
    const href = safeHref(raw);
    if (href) found.add(href);
    if (found.size >= 200) break;
  }
  return [...found];
}
