import { analyzeText, compileEntities } from '../analysis/index.ts';
import type { Analysis } from '../analysis/types.ts';
import type { AnswerRefRow } from '../contracts/analytics.ts';
import type { Brand } from '../contracts/brands.ts';
import {
  DRILLDOWN_MAX_ANSWERS,
  type DrilldownAnswer,
  type DrilldownMention,
  type DrilldownResponse,
} from '../contracts/drilldown.ts';
import type { Answer } from '../contracts/runs.ts';
import { ValidationError } from '../domain/errors.ts';
import type { TenantPrincipal } from '../domain/principal.ts';
import { filterOfQuery } from '../domain/query-filter.ts';
import { toTrackedEntities } from '../domain/tracked-entities.ts';
import type { BrandRepository } from '../ports/brand-repository.ts';
import type { AnalysisLedger } from '../ports/reanalysis.ts';
import type { RunRepository } from '../ports/runs.ts';
import type { Warehouse } from '../ports/warehouse.ts';
import { getBrandOrThrow } from './brands.ts';

export interface DrilldownDeps {
  brands: BrandRepository;
  runs: Pick<RunRepository, 'getAnswer'>;
  warehouse: Warehouse;
  /** The analysis ledger: which configuration each answer's counted analysis was made with. */
  analyses?: Pick<AnalysisLedger, 'get' | 'getConfig'> | undefined;
}

/** A parsed drill-down request (see `DrilldownQuerySchema`). */
export interface DrilldownRequest {
  promptId: string;
  from: string;
  to: string;
  provider?: string | undefined;
  surface?: string | undefined;
  topic?: string | undefined;
  promptSetVersion?: number | undefined;
  branded?: 'true' | 'false' | undefined;
  locale?: string | undefined;
  limit: number;
  cursor?: string | undefined;
}

/** Position after the last answer of a page: answers are ordered by day, then answer id, both descending. */
interface CursorPosition {
  day: string;
  answerId: string;
}

const CURSOR_SHAPE = /^\d{4}-\d{2}-\d{2}$/;
const ANSWER_ID_SHAPE = /^run_[0-9a-hjkmnp-tv-z]{26}\.[\w.-]{1,300}$/;

/** Opaque to clients; days and answer ids are ASCII, so base64url of `<day>|<answerId>` is enough. */
export function encodeDrilldownCursor(position: CursorPosition): string {
  return btoa(`${position.day}|${position.answerId}`).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

function decodeCursor(cursor: string): CursorPosition {
  const invalid = () =>
    new ValidationError('The page cursor is invalid or belongs to another list', { code: 'invalid_cursor' });
  let decoded: string;
  try {
    decoded = atob(cursor.replaceAll('-', '+').replaceAll('_', '/'));
  } catch {
    throw invalid();
  }
  const [day, answerId, ...rest] = decoded.split('|');
  if (rest.length > 0 || !day || !CURSOR_SHAPE.test(day) || !answerId || !ANSWER_ID_SHAPE.test(answerId)) {
    throw invalid();
  }
  return { day, answerId };
}

/** True when `ref` comes after `position` in the newest-first order. */
function isAfter(ref: AnswerRefRow, position: CursorPosition): boolean {
  return ref.day < position.day || (ref.day === position.day && ref.answerId < position.answerId);
}

/**
 * The prompt drill-down: one page of the answers a brand's prompt got in a period, newest day first, each with its
 * text, the brand's and competitors' mentions (offsets into the text, for highlighting), the sentiment toward each
 * and its citations.
 *
 * The warehouse finds the answers (it is the only index by prompt and day); the answers themselves are read from
 * the run repository, tenant-keyed, and re-analysed with the brand's current configuration (the engine is pure and
 * deterministic; the stored summary has no offsets). An answer of another brand or prompt is never shown, whatever
 * the warehouse says.
 */
export async function promptDrilldown(
  deps: DrilldownDeps,
  tenant: TenantPrincipal,
  brandId: string,
  request: DrilldownRequest,
): Promise<DrilldownResponse> {
  const brand = await getBrandOrThrow(deps, tenant, brandId);
  const position = request.cursor ? decodeCursor(request.cursor) : null;
  const filter = filterOfQuery(request);
  const refs = await deps.warehouse.query('answers', {
    tenantId: tenant.tenantId,
    brandId: brand.id,
    from: request.from,
    to: request.to,
    promptId: request.promptId,
    ...filter,
  });
  // The warehouse orders them already; sorting again keeps the cursor correct whatever the engine's collation.
  const ordered = refs
    .filter((r) => r.promptId === request.promptId)
    .sort((a, b) => (a.day === b.day ? cmp(b.answerId, a.answerId) : cmp(b.day, a.day)));
  const start = position ? ordered.findIndex((r) => isAfter(r, position)) : 0;
  const page = start < 0 ? [] : ordered.slice(start, start + request.limit);
  const hasMore = start >= 0 && start + request.limit < ordered.length;
  const last = page.at(-1);

  const current = compileEntities(toTrackedEntities(brand));
  const names = entityNames(brand);
  const answers = await Promise.all(page.map((ref) => deps.runs.getAnswer(tenant.tenantId, ref.answerId)));
  const configs = await Promise.all(page.map((ref) => countedConfiguration(deps, tenant.tenantId, brand.id, ref)));
  const items: DrilldownAnswer[] = [];
  page.forEach((ref, i) => {
    const answer = answers[i];
    if (!answer || answer.brandId !== brand.id || answer.promptId !== request.promptId) return;
    // The engine is deterministic: re-running it with the configuration the counted analysis was made with gives
    // that analysis (offsets included), so the highlights agree with the numbers even before a re-scoring finished.
    const config = configs[i];
    const analysis = analyzeText(
      { text: answer.text, kind: 'answer', citations: answer.citations },
      config?.compiled ?? current,
    );
    items.push({ ...drilldownAnswer(answer, ref.day, analysis, names), configuredAt: config?.configuredAt ?? null });
  });

  return {
    brandId: brand.id,
    promptId: request.promptId,
    promptText:
      answers.find((a) => a?.brandId === brand.id)?.promptText ??
      (await currentPromptText(deps, tenant, brand, request.promptId)),
    from: request.from,
    to: request.to,
    filter,
    total: ordered.length,
    truncated: refs.length >= DRILLDOWN_MAX_ANSWERS,
    items,
    nextCursor: hasMore && last ? encodeDrilldownCursor({ day: last.day, answerId: last.answerId }) : null,
  };
}

/** The configuration of the answer's counted analysis (ledger record → snapshot); null when the ledger has none. */
async function countedConfiguration(
  deps: DrilldownDeps,
  tenantId: string,
  brandId: string,
  ref: AnswerRefRow,
): Promise<{ compiled: ReturnType<typeof compileEntities>; configuredAt: string } | null> {
  if (!deps.analyses) return null;
  const record = await deps.analyses.get(tenantId, brandId, ref.day, ref.answerId);
  if (!record) return null;
  const snapshot = await deps.analyses.getConfig(tenantId, brandId, record.configFingerprint);
  if (!snapshot) return null;
  return { compiled: compileEntities(snapshot.entities), configuredAt: record.configuredAt };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function entityNames(brand: Brand): Map<string, { name: string; kind: 'brand' | 'competitor' }> {
  const names = new Map<string, { name: string; kind: 'brand' | 'competitor' }>();
  names.set(brand.id, { name: brand.name, kind: 'brand' });
  for (const c of brand.competitors) names.set(c.id, { name: c.name, kind: 'competitor' });
  return names;
}

async function currentPromptText(
  deps: DrilldownDeps,
  tenant: TenantPrincipal,
  brand: Brand,
  promptId: string,
): Promise<string | null> {
  if (!brand.promptSetVersion) return null;
  const set = await deps.brands.getPromptSetVersion(tenant.tenantId, brand.id, brand.promptSetVersion);
  return set?.prompts.find((p) => p.id === promptId)?.text ?? null;
}

/** Mentions in text order without overlaps (a highlight can only cover each character once). */
export function nonOverlappingMentions(
  analysis: Pick<Analysis, 'mentions'>,
  kinds: ReadonlyMap<string, { kind: 'brand' | 'competitor' }>,
): DrilldownMention[] {
  const sorted = [...analysis.mentions].sort((a, b) => a.start - b.start || b.end - a.end);
  const out: DrilldownMention[] = [];
  let reached = 0;
  for (const m of sorted) {
    if (m.start < reached || m.end <= m.start) continue;
    const kind = kinds.get(m.entityId)?.kind;
    if (!kind) continue;
    out.push({
      entityId: m.entityId,
      kind,
      start: m.start,
      end: m.end,
      text: m.text,
      via: m.via,
      sentiment: m.sentiment,
    });
    reached = m.end;
  }
  return out;
}

function drilldownAnswer(
  answer: Answer,
  day: string,
  analysis: Analysis,
  names: ReadonlyMap<string, { name: string; kind: 'brand' | 'competitor' }>,
): DrilldownAnswer {
  return {
    answerId: answer.answerId,
    runId: answer.runId,
    provider: answer.provider,
    model: answer.model,
    surface: answer.surface,
    locale: answer.locale,
    sampleIndex: answer.sampleIndex,
    day,
    answeredAt: answer.createdAt,
    text: answer.text,
    analyzerVersion: analysis.analyzerVersion,
    configuredAt: null,
    refusal: analysis.refusal,
    mentions: nonOverlappingMentions(analysis, names),
    entities: analysis.entities.map((e) => ({
      entityId: e.entityId,
      kind: e.kind,
      name: names.get(e.entityId)?.name ?? e.entityId,
      mentioned: e.mentioned,
      mentionCount: e.mentionCount,
      rank: e.rank,
      sentiment: e.mentioned ? e.sentiment.score : null,
      sentimentLabel: e.mentioned ? e.sentiment.label : null,
      primaryRecommendation: e.primaryRecommendation,
    })),
    citations: analysis.citations.map((c) => ({
      url: c.url,
      domain: c.domain,
      title: c.title,
      class: c.class,
      entityId: c.entityId,
      start: c.start,
      end: c.end,
    })),
    truncated: answer.truncated ?? false,
    finishReason: answer.finishReason ?? null,
    retrievedSources: (answer.retrievedSources ?? []).map((source) => ({ ...source, domain: hostOf(source.url) })),
  };
}

function hostOf(url: string): string {
  try {
    return new URL(url).hostname.replace(/^www\./, '');
  } catch {
    return url;
  }
}
