import { describe, expect, inject, it } from 'vitest';
import { PromptEntityRowSchema } from '../../shared/contracts/analytics.ts';
import { type DrilldownAnswer, DrilldownResponseSchema } from '../../shared/contracts/drilldown.ts';
import { call } from '../support/api.ts';
import { brandWithTwoPrompts, runToCompletion } from '../support/runs.ts';
import { freshAccount, ownerOfNewWorkspace } from '../support/sessions.ts';

const stack = inject('stack');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('GET /brands/{id}/analytics/drilldown (prompt drill-down) and /analytics/matrix (prompt × entity heat map)', () => {
  it('pages through one prompt’s answers with mention offsets that match the text, refuses bad input, and isolates tenants', async () => {
    const account = await freshAccount(stack, 'drilldown');
    const { token } = await ownerOfNewWorkspace(stack.url, stack.apiUrl, account.email, account.password, 'Drill Co');
    const brandId = await brandWithTwoPrompts(stack.apiUrl, token);
    const brand = (await call(stack.apiUrl, 'GET', `/brands/${brandId}`, { token })).json;
    const promptSet = (await call(stack.apiUrl, 'GET', `/brands/${brandId}/prompt-set`, { token })).json;
    const promptIds: string[] = promptSet.prompts.map((p: { id: string }) => p.id);
    expect(promptIds).toHaveLength(2);
    const run = await runToCompletion(stack.apiUrl, token, brandId);
    expect(run.counts.succeeded).toBe(6);

    const today = new Date().toISOString().slice(0, 10);
    const period = `from=${today}&to=${today}`;

    // The heat map: every prompt × tracked entity, one denominator per prompt (the lake trails the run a little).
    const matrixOf = async () =>
      PromptEntityRowSchema.array().parse(
        (await call(stack.apiUrl, 'GET', `/brands/${brandId}/analytics/matrix?${period}`, { token })).json.rows,
      );
    let matrix = await matrixOf();
    const answersIn = (rows: typeof matrix) =>
      rows.filter((r) => r.kind === 'brand').reduce((sum, r) => sum + r.answers, 0);
    for (let i = 0; i < 120 && answersIn(matrix) < 6; i++) {
      await sleep(250);
      matrix = await matrixOf();
    }
    expect(answersIn(matrix)).toBe(6);
    expect(matrix).toHaveLength(2 * 3);
    expect(new Set(matrix.map((r) => r.promptId))).toEqual(new Set(promptIds));
    for (const row of matrix) {
      expect(row.answers).toBe(3);
      expect(row.mentioned).toBeLessThanOrEqual(3);
    }

    const entityIds = new Set([brandId, ...brand.competitors.map((c: { id: string }) => c.id)]);
    let mentionsSeen = 0;
    for (const promptId of promptIds) {
      const base = `/brands/${brandId}/analytics/drilldown?promptId=${promptId}&${period}`;
      const first = await call(stack.apiUrl, 'GET', `${base}&limit=2`, { token });
      expect(first.status, JSON.stringify(first.json)).toBe(200);
      const page1 = DrilldownResponseSchema.parse(first.json);
      expect(page1).toMatchObject({ brandId, promptId, total: 3, truncated: false });
      expect(page1.promptText).toBe(promptSet.prompts.find((p: { id: string }) => p.id === promptId).text);
      expect(page1.items).toHaveLength(2);
      expect(page1.nextCursor).not.toBeNull();
      const second = await call(stack.apiUrl, 'GET', `${base}&limit=2&cursor=${page1.nextCursor}`, { token });
      expect(second.status, JSON.stringify(second.json)).toBe(200);
      const page2 = DrilldownResponseSchema.parse(second.json);
      expect(page2.items).toHaveLength(1);
      expect(page2.nextCursor).toBeNull();
      const items: DrilldownAnswer[] = [...page1.items, ...page2.items];
      expect(new Set(items.map((a) => a.answerId)).size).toBe(3);
      // Newest day first, then answer id descending: the order the cursor relies on.
      const keys = items.map((a) => `${a.day}|${a.answerId}`);
      expect(keys).toEqual([...keys].sort().reverse());

      for (const item of items) {
        expect(item.provider).toBe('openai');
        expect(item.day).toBe(today);
        let reached = 0;
        for (const mention of item.mentions) {
          // The highlight offsets point at exactly the matched text, in order, never overlapping.
          expect(item.text.slice(mention.start, mention.end)).toBe(mention.text);
          expect(mention.start).toBeGreaterThanOrEqual(reached);
          reached = mention.end;
          expect(entityIds.has(mention.entityId)).toBe(true);
          expect(mention.kind).toBe(mention.entityId === brandId ? 'brand' : 'competitor');
          mentionsSeen++;
        }
        expect(item.entities.map((e) => e.entityId)).toEqual([...entityIds]);
        for (const entity of item.entities) {
          if (!entity.mentioned) expect(entity.sentiment).toBeNull();
          else expect(entity.sentiment).toBeGreaterThanOrEqual(-1);
        }
        // The drill-down agrees with the stored answer and its analysis summary.
        const stored = (await call(stack.apiUrl, 'GET', `/answers/${encodeURIComponent(item.answerId)}`, { token }))
          .json;
        expect(stored.text).toBe(item.text);
        expect(stored.analysis.brandMentioned).toBe(item.entities[0]?.mentioned);
        expect(new Set(stored.analysis.mentionedEntityIds)).toEqual(
          new Set(item.entities.filter((e) => e.mentioned).map((e) => e.entityId)),
        );
      }
      // The heat map's cells count the same answers the drill-down shows.
      for (const id of entityIds) {
        const cell = matrix.find((r) => r.promptId === promptId && r.entityId === id);
        const shown = items.filter((a) => a.entities.find((e) => e.entityId === id)?.mentioned).length;
        expect(cell?.mentioned, `${promptId} × ${id}`).toBe(shown);
      }
    }
    // Every entity-answer the heat map counts as mentioned shows at least one highlight in the drill-down. (How many
    // there are depends on the simulated market's planted rates, which may name none of these brands in 6 answers.)
    const mentionedCells = matrix.reduce((sum, row) => sum + row.mentioned, 0);
    expect(mentionsSeen).toBeGreaterThanOrEqual(mentionedCells);

    // The warehouse slices apply as on the heat map: this run used prompt-set version 1, and its prompts are
    // non-branded (they name no tracked brand).
    const sliced = async (extra: string) =>
      (
        await call(
          stack.apiUrl,
          'GET',
          `/brands/${brandId}/analytics/drilldown?promptId=${promptIds[0]}&${period}&${extra}`,
          {
            token,
          },
        )
      ).json;
    expect((await sliced('promptSetVersion=1')).total).toBe(3);
    expect((await sliced('promptSetVersion=2')).total).toBe(0);
    expect((await sliced('branded=false')).total).toBe(3);
    expect((await sliced('branded=true')).items).toEqual([]);
    expect((await sliced('provider=anthropic')).total).toBe(0);

    // Bad input: a 400 naming the problem, never a 500.
    const good = `promptId=${promptIds[0]}&${period}`;
    const bad: [string, string, string][] = [
      [`from=${today}&to=${today}`, 'invalid_query', 'promptId'],
      [`promptId=prm_nope&${period}`, 'invalid_query', 'promptId'],
      [`promptId=${promptIds[0]}&from=2026-02-01&to=2026-01-01`, 'invalid_query', 'from'],
      [`promptId=${promptIds[0]}&from=2020-01-01&to=2026-01-01`, 'invalid_query', 'to'],
      [`${good}&limit=0`, 'invalid_query', 'limit'],
      [`${good}&limit=26`, 'invalid_query', 'limit'],
      [`${good}&provider=nope`, 'invalid_query', 'provider'],
      [`${good}&branded=yes`, 'invalid_query', 'branded'],
      [`${good}&locale=english`, 'invalid_query', 'locale'],
      [`${good}&tenantId=ws_01aaaaaaaaaaaaaaaaaaaaaaaa`, 'invalid_query', ''],
      [`${good}&cursor=not-a-cursor`, 'invalid_cursor', ''],
      [`${good}&cursor=${btoa('2026-01-01|../../etc')}`, 'invalid_cursor', ''],
    ];
    for (const [query, code, field] of bad) {
      const res = await call(stack.apiUrl, 'GET', `/brands/${brandId}/analytics/drilldown?${query}`, { token });
      expect(res.status, query).toBe(400);
      expect(res.json.error.code, query).toBe(code);
      if (field) expect(JSON.stringify(res.json.error.details), query).toContain(field);
    }

    // Another workspace: A's brand does not exist for it; its own brand with A's prompt id shows nothing of A.
    const other = await freshAccount(stack, 'drilldown-other');
    const { token: otherToken } = await ownerOfNewWorkspace(
      stack.url,
      stack.apiUrl,
      other.email,
      other.password,
      'Other Drill Co',
    );
    const foreign = await call(stack.apiUrl, 'GET', `/brands/${brandId}/analytics/drilldown?${good}`, {
      token: otherToken,
    });
    expect(foreign.status).toBe(404);
    expect(JSON.stringify(foreign.json)).not.toContain(promptIds[0]);
    const otherBrand = (
      await call(stack.apiUrl, 'POST', '/brands', {
        token: otherToken,
        body: { name: 'Acme Analytics', category: 'Product analytics', competitors: [{ name: 'Northwind Insights' }] },
      })
    ).json;
    const own = await call(stack.apiUrl, 'GET', `/brands/${otherBrand.id}/analytics/drilldown?${good}`, {
      token: otherToken,
    });
    expect(own.status).toBe(200);
    expect(own.json.items).toEqual([]);
    expect(own.json.total).toBe(0);
    const ownMatrix = await call(stack.apiUrl, 'GET', `/brands/${otherBrand.id}/analytics/matrix?${period}`, {
      token: otherToken,
    });
    expect(ownMatrix.json.rows).toEqual([]);
  });
});
