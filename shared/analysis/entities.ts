/**
 * Tracked-entity configuration: schema, validation for onboarding (collisions are refused there), sanitising for
 * the engine (which must still behave deterministically if a collision slipped through), and a fingerprint used to
 * find analyses made with an older configuration.
 */

import * as z from 'zod';
import { foldKeepCase, foldText } from './fold.ts';
import { MAX_ALIAS_LENGTH } from './matcher.ts';
import type { TrackedEntity } from './types.ts';

export const entityAliasSchema = z.object({
  value: z.string().trim().min(1).max(MAX_ALIAS_LENGTH),
  caseSensitive: z.boolean().optional(),
  ambiguous: z.boolean().optional(),
});

export const trackedEntitySchema = z.object({
  id: z.string().min(1).max(128),
  name: z.string().trim().min(1).max(MAX_ALIAS_LENGTH),
  kind: z.enum(['brand', 'competitor']),
  aliases: z.array(entityAliasSchema).max(200),
  ownedDomains: z
    .array(
      z
        .string()
        .trim()
        .toLowerCase()
        .regex(/^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, 'expected a domain such as acme.com'),
    )
    .max(50),
  contextTerms: z.array(z.string().trim().min(1).max(64)).max(100).optional(),
});

/** A problem found in an entity configuration. */
export interface EntityConfigIssue {
  code: 'invalid' | 'duplicate-id' | 'alias-collision' | 'domain-collision' | 'empty-alias';
  message: string;
  /** Entity ids involved. */
  entityIds: string[];
  /** The folded alias or domain concerned, when relevant. */
  value?: string;
}

export interface EntityValidationResult {
  ok: boolean;
  issues: EntityConfigIssue[];
}

/**
 * Validates a workspace's entities for onboarding. Collisions (the same folded alias or owned domain on two
 * entities, e.g. `Acme` on the brand and on a competitor) are reported so onboarding can refuse them; the engine
 * itself resolves them deterministically (brand first, then configuration order).
 */
export function validateTrackedEntities(entities: unknown): EntityValidationResult {
  const issues: EntityConfigIssue[] = [];
  const parsed = z.array(trackedEntitySchema).max(1000).safeParse(entities);
  if (!parsed.success) {
    for (const issue of parsed.error.issues.slice(0, 20)) {
      issues.push({ code: 'invalid', message: `${issue.path.join('.')}: ${issue.message}`, entityIds: [] });
    }
    return { ok: false, issues };
  }
  const list = parsed.data;
  const ids = new Map<string, number>();
  for (const e of list) ids.set(e.id, (ids.get(e.id) ?? 0) + 1);
  for (const [id, count] of ids) {
    if (count > 1)
      issues.push({ code: 'duplicate-id', message: `entity id "${id}" is used ${count} times`, entityIds: [id] });
  }
  const aliasOwners = new Map<string, Set<string>>();
  const domainOwners = new Map<string, Set<string>>();
  for (const e of list) {
    const values = [e.name, ...e.aliases.map((a) => a.value)];
    for (const v of values) {
      const f = foldText(v);
      if (f.length === 0) {
        issues.push({
          code: 'empty-alias',
          message: `alias "${v}" of ${e.id} is empty after normalisation`,
          entityIds: [e.id],
        });
        continue;
      }
      let owners = aliasOwners.get(f);
      if (!owners) {
        owners = new Set();
        aliasOwners.set(f, owners);
      }
      owners.add(e.id);
    }
    for (const d of e.ownedDomains) {
      const host = d.replace(/^www\./, '');
      let owners = domainOwners.get(host);
      if (!owners) {
        owners = new Set();
        domainOwners.set(host, owners);
      }
      owners.add(e.id);
    }
  }
  for (const [value, owners] of aliasOwners) {
    if (owners.size > 1) {
      issues.push({
        code: 'alias-collision',
        message: `alias "${value}" belongs to several entities: ${[...owners].join(', ')}`,
        entityIds: [...owners],
        value,
      });
    }
  }
  for (const [value, owners] of domainOwners) {
    if (owners.size > 1) {
      issues.push({
        code: 'domain-collision',
        message: `domain "${value}" is owned by several entities: ${[...owners].join(', ')}`,
        entityIds: [...owners],
        value,
      });
    }
  }
  return { ok: issues.length === 0, issues };
}

/**
 * Makes untrusted configuration safe for the engine without throwing: drops entries without an id, coerces
 * fields, keeps the first entity of a duplicated id.
 */
export function sanitizeEntities(entities: unknown): TrackedEntity[] {
  if (!Array.isArray(entities)) return [];
  const out: TrackedEntity[] = [];
  const seen = new Set<string>();
  for (const raw of entities) {
    if (!raw || typeof raw !== 'object') continue;
    const e = raw as Partial<TrackedEntity>;
    if (typeof e.id !== 'string' || e.id.length === 0 || seen.has(e.id)) continue;
    seen.add(e.id);
    const aliases = Array.isArray(e.aliases)
      ? e.aliases
          .filter((a) => a && typeof a === 'object' && typeof a.value === 'string')
          .map((a) => ({ value: a.value, caseSensitive: a.caseSensitive === true, ambiguous: a.ambiguous === true }))
      : [];
    out.push({
      id: e.id,
      name: typeof e.name === 'string' ? e.name : e.id,
      kind: e.kind === 'brand' ? 'brand' : 'competitor',
      aliases,
      ownedDomains: Array.isArray(e.ownedDomains)
        ? e.ownedDomains.filter((d): d is string => typeof d === 'string')
        : [],
      contextTerms: Array.isArray(e.contextTerms)
        ? e.contextTerms.filter((t): t is string => typeof t === 'string')
        : [],
    });
  }
  return out;
}

/** 32-bit FNV-1a, hex. Pure and stable across runtimes. */
export function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}

/** Fingerprint of the parts of the configuration that change analysis results. */
export function entitiesFingerprint(entities: readonly TrackedEntity[], version: string): string {
  const canonical = entities.map((e) => [
    e.id,
    e.kind,
    foldText(e.name),
    e.aliases.map((a) => [
      a.caseSensitive ? foldKeepCase(a.value) : foldText(a.value),
      !!a.caseSensitive,
      !!a.ambiguous,
    ]),
    [...e.ownedDomains].map((d) => d.toLowerCase()).sort(),
    [...(e.contextTerms ?? [])].map((t) => foldText(t)).sort(),
  ]);
  const json = JSON.stringify([version, canonical]);
  return `${fnv1a(json)}${fnv1a(`${json.length}:${json}`)}`;
}
