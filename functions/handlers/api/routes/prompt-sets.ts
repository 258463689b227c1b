import * as z from 'zod';
import { pageOf, pageQuerySchema } from '#shared/contracts/common.ts';
import {
  PromptSetDiffSchema,
  PromptSetInputSchema,
  PromptSetVersionSchema,
  PromptSetVersionSummarySchema,
  PromptSuggestionsSchema,
  SuggestPromptsRequestSchema,
} from '#shared/contracts/prompt-sets.ts';
import { NotFoundError } from '#shared/domain/errors.ts';
import { PLAN_LIMITS } from '#shared/domain/plans.ts';
import * as brands from '#shared/use-cases/brands.ts';
import * as promptSets from '#shared/use-cases/prompt-sets.ts';
import { promptsFromCsv, promptsToCsv } from '../../../adapters/csv/prompt-csv.ts';
import { expectedVersion } from '../../../middleware/preconditions.ts';
import { parseJsonBody, parseQuery, textBody } from '../../../middleware/request.ts';
import { brandIdOf, created, ok, tenantOf } from '../route-toolkit.ts';
import { ALL, type CoreRouteDeps, EDITORS, type RouteContext, type RouteDefinition } from '../routes.ts';

/** CSV imports may be larger than JSON bodies (a full prompt set). */
const CSV_MAX_BYTES = 1024 * 1024;

const versionQuery = z.strictObject({ version: z.coerce.number().int().positive().optional() });
/** `from` defaults to the version before `to` (0, the empty set, for version 1): what "what changed in v5" means. */
const diffQuery = z.strictObject({
  from: z.coerce.number().int().min(0).optional().describe('Older version; default `to - 1` (0 is the empty set)'),
  to: z.coerce.number().int().positive(),
});

/** A brand's prompt set: the current version, saving the next, history, diff, CSV export and import, suggestions. */
export function promptSetRoutes(deps: CoreRouteDeps): RouteDefinition[] {
  const body = <T extends z.ZodType>(ctx: RouteContext, schema: T) =>
    parseJsonBody(ctx.event, schema, deps.maxBodyBytes);
  const page = (ctx: RouteContext) => parseQuery(ctx.event, pageQuerySchema);
  return [
    {
      method: 'GET',
      path: '/brands/:brandId/prompt-set',
      summary: 'The current prompt-set version',
      access: { kind: 'tenant', roles: ALL },
      docs: { response: PromptSetVersionSchema },
      handle: async (ctx) => {
        const version = await promptSets.getCurrentPromptSet(deps, tenantOf(ctx), brandIdOf(ctx));
        return ok(version, version.version);
      },
    },
    {
      method: 'PUT',
      path: '/brands/:brandId/prompt-set',
      summary: 'Save the next prompt-set version (If-Match: the version edited; "0" for the first)',
      access: { kind: 'tenant', roles: EDITORS },
      docs: { body: PromptSetInputSchema, response: PromptSetVersionSchema, ifMatch: true },
      handle: async (ctx) => {
        const base = expectedVersion(ctx.event);
        const version = await promptSets.savePromptSet(
          deps,
          tenantOf(ctx),
          brandIdOf(ctx),
          base,
          body(ctx, PromptSetInputSchema),
        );
        return created(version, version.version);
      },
    },
    {
      method: 'GET',
      path: '/brands/:brandId/prompt-set/versions',
      summary: 'Version history of the prompt set, newest first',
      access: { kind: 'tenant', roles: ALL },
      docs: { query: pageQuerySchema, response: pageOf(PromptSetVersionSummarySchema) },
      handle: async (ctx) => ok(await promptSets.listPromptSetVersions(deps, tenantOf(ctx), brandIdOf(ctx), page(ctx))),
    },
    {
      method: 'GET',
      path: '/brands/:brandId/prompt-set/versions/:version',
      summary: 'One prompt-set version',
      access: { kind: 'tenant', roles: ALL },
      docs: { response: PromptSetVersionSchema },
      handle: async (ctx) => {
        const number = Number(ctx.params.version);
        if (!Number.isInteger(number) || number < 1) {
          throw new NotFoundError('Prompt set version not found', { code: 'prompt_set_version_not_found' });
        }
        return ok(await promptSets.getPromptSetVersion(deps, tenantOf(ctx), brandIdOf(ctx), number));
      },
    },
    {
      method: 'GET',
      path: '/brands/:brandId/prompt-set/diff',
      summary: 'What changed between two prompt-set versions',
      access: { kind: 'tenant', roles: ALL },
      docs: { query: diffQuery, response: PromptSetDiffSchema },
      handle: async (ctx) => {
        const { from, to } = parseQuery(ctx.event, diffQuery);
        return ok(await promptSets.diffPromptSetVersions(deps, tenantOf(ctx), brandIdOf(ctx), from ?? to - 1, to));
      },
    },
    {
      method: 'GET',
      path: '/brands/:brandId/prompt-set/export',
      summary: 'The prompt set as CSV (text, topic, intent, locale, persona)',
      access: { kind: 'tenant', roles: ALL },
      docs: { query: versionQuery, responseMediaType: 'text/csv' },
      handle: async (ctx) => {
        const tenant = tenantOf(ctx);
        const brandId = brandIdOf(ctx);
        const { version } = parseQuery(ctx.event, versionQuery);
        const brand = await brands.getBrandOrThrow(deps, tenant, brandId);
        const set = version
          ? await promptSets.getPromptSetVersion(deps, tenant, brandId, version)
          : await promptSets.getCurrentPromptSet(deps, tenant, brandId);
        const filename = `${brand.name.replace(/[^\w-]+/g, '-').toLowerCase()}-prompts-v${set.version}.csv`;
        return {
          status: 200,
          body: promptsToCsv(set.prompts, brand),
          rawContentType: 'text/csv; charset=utf-8',
          headers: { 'content-disposition': `attachment; filename="${filename}"` },
        };
      },
    },
    {
      method: 'POST',
      path: '/brands/:brandId/prompt-set/import',
      summary: 'Replace the prompt set from a CSV upload as a new version (all rows valid, or nothing stored)',
      access: { kind: 'tenant', roles: EDITORS },
      docs: { bodyMediaType: 'text/csv', response: PromptSetVersionSchema, ifMatch: true },
      handle: async (ctx) => {
        const tenant = tenantOf(ctx);
        const brandId = brandIdOf(ctx);
        const base = expectedVersion(ctx.event);
        const csv = textBody(ctx.event, /^text\/csv\b/i, CSV_MAX_BYTES);
        const [brand, workspace] = await Promise.all([
          brands.getBrandOrThrow(deps, tenant, brandId),
          deps.workspaces.getWorkspace(tenant.tenantId),
        ]);
        const prompts = promptsFromCsv(csv, brand, PLAN_LIMITS[workspace?.plan ?? 'trial'].maxPromptsPerBrand);
        const version = await promptSets.savePromptSet(
          deps,
          tenant,
          brandId,
          base,
          { prompts, note: 'CSV import' },
          'csv',
        );
        return created(version, version.version);
      },
    },
    {
      method: 'POST',
      path: '/brands/:brandId/prompt-suggestions',
      summary: 'Suggest prompts for review (nothing is added)',
      access: { kind: 'tenant', roles: EDITORS },
      docs: { body: SuggestPromptsRequestSchema, response: PromptSuggestionsSchema },
      handle: async (ctx) => {
        const request = body(ctx, SuggestPromptsRequestSchema);
        return ok({ suggestions: await promptSets.suggestPrompts(deps, tenantOf(ctx), brandIdOf(ctx), request) });
      },
    },
  ];
}
