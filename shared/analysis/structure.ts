/**
 * Light-weight markdown structure: blocks, list items (bullets, numbers, numbered headings, table rows), sentences,
 * and pros/cons sections. It is deliberately forgiving: broken markdown degrades to paragraphs, never to an error.
 * All offsets point into the original text.
 */

import { isJsSpace } from './chars.ts';
import { countWords, splitSentences } from './sentences.ts';
import {
  BOLD_LEAD_RE,
  BOLD_NUMBER_RE,
  isPureLabel,
  RANK_HEADER_RE,
  rankOfCell,
  sectionOfLabel,
} from './structure-labels.ts';

export { countWords, isPureLabel, rankOfCell, sectionOfLabel };

import type { BlockKind } from './types.ts';

export type Section = 'pros' | 'cons' | null;

export interface Cell {
  start: number;
  end: number;
  section: Section;
}

export interface Sentence {
  index: number;
  start: number;
  end: number;
  blockKind: BlockKind;
  /** Heading level 1-6 for headings. */
  headingLevel: number;
  listItemIndex: number | null;
  section: Section;
  /** True for the first sentence of a list item / heading / table row (the item's "lead"). */
  leadOfItem: boolean;
  /** Table cells, only for table rows. */
  cells: Cell[] | null;
  /** Number of words (letters/digits runs), for position-adjusted word count. */
  words: number;
}

export interface ListItem {
  index: number;
  listId: number;
  /** 1-based position inside the list. */
  position: number;
  start: number;
  end: number;
  depth: number;
  /** Section label this item sits under (a pros/cons list). */
  section: Section;
  /** True when the item itself is only a label such as "Pros:". */
  isLabel: boolean;
}

export interface ListDef {
  id: number;
  kind: 'ordered' | 'unordered' | 'table';
  size: number;
  /** Numbered headings (and `**1. Name**` lines) form a list too; they are ranked. */
  fromHeadings: boolean;
  /** A list of `**1. Name**` / `#1 Name` lines (not `#` headings). */
  fromBoldNumbers: boolean;
  /** Ordered lists, numbered headings and tables with a rank column: the position is a rank. */
  ranked: boolean;
}

/** A heading line, or a paragraph line that opens with a bold lead (`**Name** — …`, level 7). */
export interface HeadingLine {
  start: number;
  end: number;
  /** 1-6 for `#` headings, 7 for bold-lead lines. */
  level: number;
  /** Part of a numbered list (`### 1. Name`, `**1. Name**`). */
  numbered: boolean;
}

export interface Structure {
  sentences: Sentence[];
  items: ListItem[];
  lists: ListDef[];
  /** Heading and bold-lead lines in text order (their sequences are read as unnumbered lists). */
  headings: HeadingLine[];
}

interface OpenList {
  id: number;
  depth: number;
  ordered: boolean;
  section: Section;
}

/** Parses the structure of `text[0, limit)`. */
export function parseStructure(text: string, limit = text.length): Structure {
  const sentences: Sentence[] = [];
  const items: ListItem[] = [];
  const lists: ListDef[] = [];
  const headings: HeadingLine[] = [];
  const n = Math.min(limit, text.length);

  let inCode = false;
  // Start of the last fence line: an opening fence after it never closes. Such a fence is not treated as code,
  // or one stray fence (e.g. planted in a quoted page or post) would hide the rest of the text from the analysis.
  let lastFenceStart = -1;
  for (const fence of text.slice(0, n).matchAll(/^[^\S\n]*(?:```|~~~)/gm)) lastFenceStart = fence.index;
  let openLists: OpenList[] = [];
  /** Numbered-heading list per heading level. */
  const headingLists = new Map<number, number>();
  let currentItem: ListItem | null = null;
  let paragraphSection: Section = null; // set by a label paragraph/heading, applies to following list items
  let blankBefore = false;
  let tableListId = -1;
  let tableHeaderCells: Cell[] | null = null;
  let lastTableRowItem: ListItem | null = null;
  let pendingTableRow: { start: number; end: number; cells: Cell[] } | null = null;
  /** Column holding the rank in the current table (`| # | Tool |`, `| Rank | ... |`), or -1. */
  let tableRankCol = -1;
  /** Last ordered list per depth: an item numbered n continues it when it has n - 1 items (list split by prose). */
  const lastOrderedByDepth = new Map<number, number>();

  const newList = (kind: ListDef['kind'], fromHeadings: boolean, ranked: boolean, fromBoldNumbers = false): number => {
    const id = lists.length;
    lists.push({ id, kind, size: 0, fromHeadings, fromBoldNumbers, ranked });
    return id;
  };
  const addItem = (listId: number, start: number, end: number, depth: number, section: Section): ListItem => {
    const list = lists[listId]!;
    list.size++;
    const item: ListItem = {
      index: items.length,
      listId,
      position: list.size,
      start,
      end,
      depth,
      section,
      isLabel: false,
    };
    items.push(item);
    return item;
  };
  const addSentences = (
    start: number,
    end: number,
    kind: BlockKind,
    item: ListItem | null,
    section: Section,
    lead: boolean,
    headingLevel = 0,
    cells: Cell[] | null = null,
  ): void => {
    const parts =
      kind === 'table-row' || kind === 'code' ? [[start, end] as [number, number]] : splitSentences(text, start, end);
    let first = lead;
    for (const [a, b] of parts) {
      sentences.push({
        index: sentences.length,
        start: a,
        end: b,
        blockKind: kind,
        headingLevel,
        listItemIndex: item ? item.index : null,
        section,
        leadOfItem: first,
        cells,
        words: countWords(text, a, b),
      });
      first = false;
    }
  };
  const closeTable = (): void => {
    if (pendingTableRow) flushTableRow(false);
    tableListId = -1;
    tableHeaderCells = null;
    lastTableRowItem = null;
    tableRankCol = -1;
  };
  const splitCells = (start: number, end: number): Cell[] => {
    const cells: Cell[] = [];
    let a = start;
    const line = text.slice(start, end);
    const lead = line.search(/\S/);
    if (lead >= 0 && line.charAt(lead) === '|') a = start + lead + 1;
    for (let i = a; i <= end; i++) {
      if (i === end || (text.charAt(i) === '|' && text.charAt(i - 1) !== '\\')) {
        let s = a;
        let e = i;
        while (s < e && /\s/.test(text.charAt(s))) s++;
        while (e > s && /\s/.test(text.charAt(e - 1))) e--;
        if (i !== end || e > s) cells.push({ start: s, end: e, section: null });
        a = i + 1;
      }
    }
    return cells;
  };
  const flushTableRow = (isHeader: boolean): void => {
    const row = pendingTableRow;
    pendingTableRow = null;
    if (!row) return;
    if (isHeader) {
      tableHeaderCells = row.cells.map((c) => ({ ...c, section: sectionOfLabel(text.slice(c.start, c.end)) }));
      tableRankCol = row.cells.findIndex(
        (c, k) =>
          RANK_HEADER_RE.test(text.slice(c.start, c.end).replace(/[*_`]/g, '').trim()) ||
          (k === 0 && c.end === c.start),
      );
      addSentences(row.start, row.end, 'table-row', null, null, false, 0, tableHeaderCells);
      return;
    }
    if (tableListId < 0) tableListId = newList('table', false, tableRankCol >= 0);
    const cells = row.cells.map((c, k) => ({ ...c, section: tableHeaderCells?.[k]?.section ?? null }));
    const item = addItem(tableListId, row.start, row.end, 0, null);
    const rankCell = tableRankCol >= 0 ? row.cells[tableRankCol] : undefined;
    const rank = rankCell ? rankOfCell(text.slice(rankCell.start, rankCell.end)) : null;
    if (rank !== null) item.position = rank;
    lastTableRowItem = item;
    addSentences(row.start, row.end, 'table-row', item, null, true, 0, cells);
  };

  let lineStart = 0;
  while (lineStart < n) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd < 0 || lineEnd > n) lineEnd = n;
    const next = lineEnd + 1;
    let end = lineEnd;
    if (end > lineStart && text.charCodeAt(end - 1) === 13) end--;
    const line = text.slice(lineStart, end);

    if (/^\s*(```|~~~)/.test(line)) {
      if (inCode || lineStart < lastFenceStart) {
        inCode = !inCode;
        closeTable();
      }
      lineStart = next;
      continue;
    }
    if (inCode) {
      if (line.trim().length > 0) addSentences(lineStart, end, 'code', null, null, false);
      lineStart = next;
      continue;
    }
    if (line.trim().length === 0) {
      blankBefore = true;
      closeTable();
      lineStart = next;
      continue;
    }

    const heading = /^ {0,3}(#{1,6})\s+(.*)$/.exec(line);
    const listMatch = heading ? null : /^(\s*)([-*+•]|\d{1,3}[.)])\s+(.*)$/.exec(line);
    const isTable = !heading && !listMatch && /^\s*\|/.test(line);

    if (!isTable) closeTable();

    if (heading) {
      const level = heading[1]!.length;
      const contentStart = end - heading[2]!.length;
      const numbered = /^\s*(?:\*\*|__)?(?:#\d{1,3}[.):]?\s|\d{1,3}[.):]\s)/.test(heading[2]!);
      openLists = [];
      currentItem = null;
      const label = sectionOfLabel(heading[2]!);
      for (const [lvl] of [...headingLists]) if (lvl > level || (!numbered && lvl >= level)) headingLists.delete(lvl);
      if (numbered) {
        let id = headingLists.get(level);
        if (id === undefined) {
          id = newList('ordered', true, true);
          headingLists.set(level, id);
        }
        currentItem = addItem(id, contentStart, end, 0, null);
        addSentences(contentStart, end, 'heading', currentItem, null, true, level);
        paragraphSection = null;
      } else {
        paragraphSection = label;
        addSentences(contentStart, end, 'heading', null, label, false, level);
      }
      headings.push({ start: contentStart, end, level, numbered });
      blankBefore = false;
      lineStart = next;
      continue;
    }

    if (listMatch) {
      const indent = listMatch[1]!.replace(/\t/g, '    ').length;
      const depth = Math.floor(indent / 2);
      const ordered = /\d/.test(listMatch[2]!);
      const contentStart = end - listMatch[3]!.length;
      // Close deeper lists; reuse a list at this depth with the same kind.
      openLists = openLists.filter((l) => l.depth <= depth);
      let open = openLists.find((l) => l.depth === depth);
      if (open && open.ordered !== ordered) {
        openLists = openLists.filter((l) => l !== open);
        open = undefined;
      }
      const parent = [...openLists].reverse().find((l) => l.depth < depth);
      const parentItem = parent ? [...items].reverse().find((it) => it.listId === parent.id) : undefined;
      let section: Section = paragraphSection;
      if (parentItem?.isLabel) section = parentItem.section;
      else if (parentItem?.section) section = parentItem.section;
      if (!open) {
        const number = ordered ? Number.parseInt(listMatch[2]!, 10) : 0;
        const prior = ordered ? lastOrderedByDepth.get(depth) : undefined;
        const id =
          prior !== undefined && number > 1 && lists[prior]!.size === number - 1
            ? prior
            : newList(ordered ? 'ordered' : 'unordered', false, ordered);
        open = { id, depth, ordered, section };
        openLists.push(open);
      }
      if (ordered) lastOrderedByDepth.set(depth, open.id);
      const content = listMatch[3]!;
      const ownLabel = sectionOfLabel(content.split(':')[0] ?? '');
      const pure = isPureLabel(content);
      const item = addItem(open.id, contentStart, end, depth, pure ? ownLabel : (ownLabel ?? section));
      item.isLabel = pure;
      if (pure) {
        // "- Pros:" labels its children; it is not a ranked entry itself.
        lists[open.id]!.size--;
        item.position = 0;
      }
      currentItem = item;
      addSentences(contentStart, end, 'list-item', item, item.section, true);
      blankBefore = false;
      lineStart = next;
      continue;
    }

    if (isTable) {
      if (/^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$/.test(line)) {
        // Separator: the pending row was the header.
        if (pendingTableRow && !lastTableRowItem && !tableHeaderCells) flushTableRow(true);
        lineStart = next;
        continue;
      }
      if (pendingTableRow) flushTableRow(false);
      pendingTableRow = { start: lineStart, end, cells: splitCells(lineStart, end) };
      if (tableListId >= 0 || tableHeaderCells) flushTableRow(false);
      lineStart = next;
      continue;
    }

    // A ranked entry written as a paragraph: `**1. Name** — …`, `#1 Name`, `1️⃣ Name`. Like a numbered heading, the
    // lines after it belong to it until the next entry or heading.
    const boldNumber = BOLD_NUMBER_RE.exec(line);
    if (boldNumber) {
      openLists = [];
      let id = headingLists.get(7);
      if (id === undefined) {
        id = newList('ordered', true, true, true);
        headingLists.set(7, id);
      }
      let contentStart = lineStart;
      while (contentStart < end && isJsSpace(text.charCodeAt(contentStart))) contentStart++;
      currentItem = addItem(id, contentStart, end, 0, null);
      addSentences(contentStart, end, 'list-item', currentItem, null, true);
      headings.push({ start: contentStart, end, level: 7, numbered: true });
      paragraphSection = null;
      blankBefore = false;
      lineStart = next;
      continue;
    }

    // Paragraph line.
    const indented = /^\s{2,}\S/.test(line);
    const label = sectionOfLabel(line);
    if (currentItem && (indented || !blankBefore) && openLists.length > 0 && !(label && isPureLabel(line))) {
      // Continuation of the current list item.
      addSentences(lineStart, end, 'list-item', currentItem, currentItem.section, false);
    } else {
      if (!indented) {
        openLists = [];
        currentItem = currentItem && lists[currentItem.listId]?.fromHeadings ? currentItem : null;
      }
      if (label && isPureLabel(line)) {
        paragraphSection = label;
        addSentences(lineStart, end, 'paragraph', null, label, false);
      } else {
        paragraphSection = null;
        if (!indented && BOLD_LEAD_RE.test(line)) headings.push({ start: lineStart, end, level: 7, numbered: false });
        const headingItem = currentItem && lists[currentItem.listId]?.fromHeadings ? currentItem : null;
        addSentences(lineStart, end, 'paragraph', headingItem, label, false);
      }
    }
    blankBefore = false;
    lineStart = next;
  }
  closeTable();
  return { sentences, items, lists, headings };
}

/** Index of the sentence containing offset `pos`, or the nearest preceding one; -1 when before all. */
export function sentenceAt(sentences: readonly Sentence[], pos: number): number {
  let lo = 0;
  let hi = sentences.length - 1;
  let ans = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (sentences[mid]!.start <= pos) {
      ans = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return ans;
}
