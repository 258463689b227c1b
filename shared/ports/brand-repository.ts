import type { Brand } from '../contracts/brands.ts';
import type { PromptSetVersion, PromptSetVersionSummary } from '../contracts/prompt-sets.ts';
import type { RunSettings } from '../contracts/run-settings.ts';
import type { TenantId } from '../domain/workspace.ts';
import type { AuditRecord } from './audit.ts';
import type { Page, PageRequest } from './pagination.ts';

/**
 * Brands with their competitors and topics, their versioned prompt sets and run settings. Every method is
 * scoped by tenant id; writes are conditional on the version the caller read and carry their audit entry.
 */
export interface BrandRepository {
  listBrands(tenantId: TenantId, page: PageRequest): Promise<Page<Brand>>;
  getBrand(tenantId: TenantId, brandId: string): Promise<Brand | null>;
  /**
   * @throws ConflictError `brand_name_taken` when another live brand has the name (case-insensitive);
   *   `plan_limit_reached` when the workspace already has `maxBrands` brands.
   */
  createBrand(tenantId: TenantId, brand: Brand, maxBrands: number, audit: AuditRecord): Promise<void>;
  /** @throws PreconditionFailedError when the stored version is not `expectedVersion`. */
  updateBrand(
    tenantId: TenantId,
    brand: Brand,
    expectedVersion: number,
    previousName: string,
    audit: AuditRecord,
  ): Promise<void>;
  /** Soft-deletes: history (prompt sets, answers, metrics) stays for reporting; the name becomes free. */
  deleteBrand(tenantId: TenantId, brand: Brand, expectedVersion: number, audit: AuditRecord): Promise<void>;

  getPromptSetVersion(tenantId: TenantId, brandId: string, version: number): Promise<PromptSetVersion | null>;
  listPromptSetVersions(tenantId: TenantId, brandId: string, page: PageRequest): Promise<Page<PromptSetVersionSummary>>;
  /**
   * Stores a new immutable version and moves the brand's current-version pointer, atomically.
   * @throws PreconditionFailedError when the brand's current version is not `version.version - 1`.
   */
  createPromptSetVersion(tenantId: TenantId, version: PromptSetVersion, audit: AuditRecord): Promise<void>;

  getRunSettings(tenantId: TenantId, brandId: string): Promise<RunSettings | null>;
  /** @throws PreconditionFailedError when the stored version is not `settings.version - 1`. */
  putRunSettings(tenantId: TenantId, settings: RunSettings, audit: AuditRecord): Promise<void>;
}
