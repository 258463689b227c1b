/**
 * The repository is self-contained: nothing it ships or documents points outside it, and every relative link in
 * its Markdown resolves to a file in it (and, with a `#fragment`, to a heading of that file, slugged as GitHub does).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import GithubSlugger from 'github-slugger';
import { lexer, type Token, type Tokens } from 'marked';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../../..');
const tracked = execFileSync('git', ['ls-files'], { cwd: root, encoding: 'utf8' })
  .split('\n')
  .filter((file) => file && existsSync(join(root, file)));
const textFiles = tracked.filter((file) => /\.(ts|tsx|js|mjs|cjs|json|md|ya?ml|css|html|sh)$/.test(file));
const markdownFiles = tracked.filter((file) => file.endsWith('.md'));
/** This file names the patterns it forbids. */
const self = relative(root, import.meta.filename);

/** References to material that lives outside the repository (the founding design notes, the build machine). */
const OUTSIDE = [/DESIGN\.md/, /DESIGN §/, /\.\.\/shared\/(DESIGN|reference)/, /\/work\/(main|wt|\.library)/];

function links(tokens: Token[], found: string[] = []): string[] {
  for (const token of tokens) {
    if (token.type === 'link' || token.type === 'image') found.push((token as Tokens.Link).href);
    const children = (token as { tokens?: Token[] }).tokens;
    if (children) links(children, found);
    if (token.type === 'list') for (const item of (token as Tokens.List).items) links(item.tokens, found);
    if (token.type === 'table') {
      const table = token as Tokens.Table;
      for (const cell of [...table.header, ...table.rows.flat()]) links(cell.tokens, found);
    }
  }
  return found;
}

const anchorsCache = new Map<string, Set<string>>();
function anchorsOf(file: string): Set<string> {
  const cached = anchorsCache.get(file);
  if (cached) return cached;
  const slugger = new GithubSlugger();
  const anchors = new Set<string>();
  for (const token of lexer(readFileSync(join(root, file), 'utf8'))) {
    if (token.type === 'heading') anchors.add(slugger.slug((token as Tokens.Heading).text.replace(/`/g, '')));
  }
  for (const match of readFileSync(join(root, file), 'utf8').matchAll(/<a (?:name|id)="([^"]+)"/g)) {
    anchors.add(match[1] as string);
  }
  anchorsCache.set(file, anchors);
  return anchors;
}

describe('the repository is self-contained', () => {
  it('finds the files to check', () => {
    expect(textFiles.length).toBeGreaterThan(200);
    expect(markdownFiles).toContain('docs/architecture.md');
  });

  it('references nothing outside the repository (design notes, build-machine paths)', () => {
    const offending: string[] = [];
    for (const file of textFiles) {
      if (file === self || file === 'package-lock.json') continue;
      const lines = readFileSync(join(root, file), 'utf8').split('\n');
      lines.forEach((line, index) => {
        if (OUTSIDE.some((pattern) => pattern.test(line))) offending.push(`${file}:${index + 1}: ${line.trim()}`);
      });
    }
    expect(offending).toEqual([]);
  });

  it('resolves every relative Markdown link to a file, and every #fragment to a heading', () => {
    const broken: string[] = [];
    for (const file of markdownFiles) {
      for (const href of links(lexer(readFileSync(join(root, file), 'utf8')))) {
        if (/^[a-z][a-z0-9+.-]*:/i.test(href) || href.startsWith('//')) continue;
        const [path = '', fragment] = href.split('#');
        const target = path === '' ? file : normalize(join(dirname(file), decodeURI(path)));
        if (target.startsWith('..') || !existsSync(join(root, target))) {
          broken.push(`${file}: ${href} (no such file)`);
          continue;
        }
        if (fragment && target.endsWith('.md') && statSync(join(root, target)).isFile()) {
          if (!anchorsOf(target).has(decodeURIComponent(fragment).toLowerCase())) {
            broken.push(`${file}: ${href} (no heading #${fragment} in ${target})`);
          }
        }
      }
    }
    expect(broken).toEqual([]);
  });
});
