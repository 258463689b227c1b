import { describe, expect, inject, it } from 'vitest';
import {
  CompetitorRowSchema,
  PromptHistoryRowSchema,
  SourceRowSchema,
  TopicRowSchema,
  TrendRowSchema,
} from '../../../shared/contracts/analytics.ts';
import { call } from '../../support/api.ts';
import { brandWithTwoPrompts, runToCompletion } from '../../support/runs.ts';
import { freshAccount, ownerOfNewWorkspace } from '../../support/sessions.ts';

const stack = inject('stack');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('GET /brands/{id}/analytics/* (the warehouse over the lake: DuckDB locally)', () => {
  it('returns rows consistent with a run, exports CSV, and never shows one tenant’s rows to another', async () => {
    const account = await freshAccount(stack, 'warehouse');
    const { token } = await ownerOfNewWorkspace(stack.url, stack.apiUrl, account.email, account.password, 'Lake Co');
    const brand = { id: await brandWithTwoPrompts(stack.apiUrl, token) };
    const run = await runToCompletion(stack.apiUrl, token, brand.id);
    const succeeded = run.counts.succeeded;
    expect(succeeded).toBe(6);

    // The lake writer flushes on time (1 s in tests); the warehouse re-lists the lake at most every 2 s.
    const today = new Date().toISOString().slice(0, 10);
    const base = `/brands/${brand.id}/analytics`;
    const period = `from=${today}&to=${today}`;
    const total = (rows: { answers: number }[]) => rows.reduce((s, r) => s + r.answers, 0);
    let trends = TrendRowSchema.array().parse(
      (await call(stack.apiUrl, 'GET', `${base}/trends?${period}`, { token })).json.rows,
    );
    for (let i = 0; i < 120 && total(trends) < succeeded; i++) {
      await sleep(250);
      trends = TrendRowSchema.array().parse(
        (await call(stack.apiUrl, 'GET', `${base}/trends?${period}`, { token })).json.rows,
      );
    }
    expect(total(trends)).toBe(succeeded);
    for (const row of trends) {
      expect(row).toMatchObject({ day: today, provider: 'openai', surface: 'api' });
      expect(row.brandMentioned).toBeLessThanOrEqual(row.answers);
    }

    const started = performance.now();
    const competitorsRes = await call(stack.apiUrl, 'GET', `${base}/competitors?${period}`, { token });
    console.log(
      `warehouse: competitors route answered in ${(performance.now() - started).toFixed(1)} ms (cached tables)`,
    );
    expect(competitorsRes.status).toBe(200);
    const competitors = CompetitorRowSchema.array().parse(competitorsRes.json.rows);
    expect(competitors.filter((r) => r.kind === 'brand').map((r) => r.entityId)).toEqual([brand.id]);
    expect(competitors.filter((r) => r.kind === 'competitor')).toHaveLength(2);
    for (const row of competitors) {
      expect(row.answers).toBe(succeeded);
      expect(row.mentioned).toBeLessThanOrEqual(row.answers);
    }

    const topics = TopicRowSchema.array().parse(
      (await call(stack.apiUrl, 'GET', `${base}/topics?${period}`, { token })).json.rows,
    );
    expect(total(topics)).toBe(succeeded);
    const sources = SourceRowSchema.array().parse(
      (await call(stack.apiUrl, 'GET', `${base}/sources?${period}`, { token })).json.rows,
    );
    for (const row of sources) expect(row.answers).toBeLessThanOrEqual(succeeded);
    const prompts = PromptHistoryRowSchema.array().parse(
      (await call(stack.apiUrl, 'GET', `${base}/prompts?${period}`, { token })).json.rows,
    );
    expect(prompts).toHaveLength(2);
    expect(total(prompts)).toBe(succeeded);

    const filtered = await call(stack.apiUrl, 'GET', `${base}/trends?${period}&provider=anthropic`, { token });
    expect(filtered.json.rows).toEqual([]);

    const csv = await call(stack.apiUrl, 'GET', `${base}/competitors?${period}&format=csv`, { token });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = String(csv.json.unparsed).trimEnd().split('\r\n');
    expect(lines[0]).toBe('entityId,kind,provider,answers,mentioned,mentions');
    expect(lines).toHaveLength(competitors.length + 1);

    for (const bad of ['from=2026-02-01&to=2026-01-01', 'from=2020-01-01&to=2026-01-01', `${period}&provider=x`]) {
      const res = await call(stack.apiUrl, 'GET', `${base}/trends?${bad}`, { token });
      expect(res.status, bad).toBe(400);
    }

    // The newer filters: the run's prompts are version 1, non-branded, en-US, without a topic.
    const count = async (query: string) => {
      const res = await call(stack.apiUrl, 'GET', `${base}/trends?${period}&${query}`, { token });
      expect(res.status, query).toBe(200);
      return total(TrendRowSchema.array().parse(res.json.rows));
    };
    expect(await count('promptSetVersion=1&branded=false&locale=en-US')).toBe(succeeded);
    expect(await count('promptSetVersion=2')).toBe(0);
    expect(await count('branded=true')).toBe(0);
    expect(await count('locale=de-DE')).toBe(0);
    expect(await count('topic=top_01jzzzzzzzzzzzzzzzzzzzzzzz')).toBe(0);
    // A bad filter is a 400 that names it.
    for (const [query, name] of [
      ['topic=nope', 'topic'],
      ['promptSetVersion=0', 'promptSetVersion'],
      ['branded=yes', 'branded'],
      ['locale=english', 'locale'],
      ['limit=5001', 'limit'],
      ['cursor=garbage', 'cursor'],
      ['colour=red', 'colour'],
    ]) {
      const res = await call(stack.apiUrl, 'GET', `${base}/trends?${period}&${query}`, { token });
      expect(res.status, query).toBe(400);
      expect(res.json.error.message, query).toContain(`\`${name}\``);
    }

    // Pages: one row each, following nextCursor, give the same rows as one big page.
    const paged: unknown[] = [];
    let cursor: string | null = null;
    do {
      const res = await call(
        stack.apiUrl,
        'GET',
        `${base}/prompts?${period}&limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        { token },
      );
      expect(res.status).toBe(200);
      expect(res.json.rows.length).toBeLessThanOrEqual(1);
      paged.push(...res.json.rows);
      cursor = res.json.nextCursor;
    } while (cursor);
    expect(paged).toEqual(prompts);
    // A cursor of one query does not page another.
    const first = await call(stack.apiUrl, 'GET', `${base}/prompts?${period}&limit=1`, { token });
    const replayed = await call(
      stack.apiUrl,
      'GET',
      `${base}/prompts?${period}&provider=openai&limit=1&cursor=${encodeURIComponent(first.json.nextCursor)}`,
      { token },
    );
    expect(replayed.status).toBe(400);

    // Another workspace: its own brand has no rows, and the first workspace's brand does not exist for it.
    const other = await freshAccount(stack, 'warehouse-other');
    const { token: otherToken } = await ownerOfNewWorkspace(
      stack.url,
      stack.apiUrl,
      other.email,
      other.password,
      'Other Co',
    );
    const otherBrand = (
      await call(stack.apiUrl, 'POST', '/brands', {
        token: otherToken,
        body: { name: 'Acme Analytics', category: 'Product analytics', competitors: [{ name: 'Northwind Insights' }] },
      })
    ).json;
    for (const name of ['trends', 'competitors', 'topics', 'sources', 'prompts']) {
      const own = await call(stack.apiUrl, 'GET', `/brands/${otherBrand.id}/analytics/${name}?${period}`, {
        token: otherToken,
      });
      expect(own.status, name).toBe(200);
      expect(own.json.rows, name).toEqual([]);
      const foreign = await call(stack.apiUrl, 'GET', `${base}/${name}?${period}`, { token: otherToken });
      expect(foreign.status, name).toBe(404);
    }
  });
});
