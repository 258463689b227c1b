import { createContext, type ReactNode, useCallback, useContext, useEffect, useId, useMemo, useState } from 'react';
import type { BrandSummary } from '../../../../shared/contracts/index.ts';
import { useBrands } from '../../api/queries.ts';
import { useSession } from '../../auth/session.tsx';

interface CurrentBrandContextValue {
  /** Brands of the workspace; undefined while loading or when the list failed. */
  brands: BrandSummary[] | undefined;
  brand: BrandSummary | null;
  isPending: boolean;
  error: unknown;
  selectBrand: (brandId: string) => void;
}

const CurrentBrandContext = createContext<CurrentBrandContextValue | null>(null);

const storageKey = (workspaceId: string) => `promptpulse.brand.${workspaceId}`;

function readStored(workspaceId: string): string | null {
  try {
    return window.localStorage.getItem(storageKey(workspaceId));
  } catch {
    return null;
  }
}

/** The brand the user is looking at, remembered per workspace in this browser. */
export function CurrentBrandProvider({ children }: { children: ReactNode }) {
  const { workspace } = useSession();
  const brands = useBrands();
  const [selected, setSelected] = useState<string | null>(() => readStored(workspace.id));

  const selectBrand = useCallback(
    (brandId: string) => {
      setSelected(brandId);
      try {
        window.localStorage.setItem(storageKey(workspace.id), brandId);
      } catch {
        // Private mode: the choice lasts for this page only.
      }
    },
    [workspace.id],
  );

  const items = brands.data?.items;
  const brand = useMemo(() => {
    if (!items || items.length === 0) return null;
    return items.find((b) => b.id === selected) ?? items[0] ?? null;
  }, [items, selected]);

  const value = useMemo(
    () => ({ brands: items, brand, isPending: brands.isPending, error: brands.error, selectBrand }),
    [items, brand, brands.isPending, brands.error, selectBrand],
  );
  return <CurrentBrandContext value={value}>{children}</CurrentBrandContext>;
}

export function useCurrentBrand(): CurrentBrandContextValue {
  const value = useContext(CurrentBrandContext);
  if (!value) throw new Error('useCurrentBrand must be used inside <CurrentBrandProvider>');
  return value;
}

/** Header label (and switcher when there are several brands). `data-testid="current-brand"` holds the name. */
export function BrandSwitcher() {
  const { brands, brand, isPending, selectBrand } = useCurrentBrand();
  const id = useId();
  // Keep the stored choice valid when a brand disappears.
  useEffect(() => {
    if (brand && brands && !brands.some((b) => b.id === brand.id)) selectBrand(brands[0]?.id ?? '');
  }, [brand, brands, selectBrand]);

  return (
    <div className="topbar-brand">
      <span className="topbar-label" id={`${id}-label`}>
        Brand
      </span>
      {isPending ? (
        <span className="muted">Loading…</span>
      ) : brand ? (
        <div className="topbar-brand-row">
          <span className="topbar-brand-name" data-testid="current-brand">
            {brand.name}
          </span>
          {brands && brands.length > 1 ? (
            <select
              className="brand-select"
              aria-label="Switch brand"
              value={brand.id}
              onChange={(event) => selectBrand(event.target.value)}
            >
              {brands.map((b) => (
                <option key={b.id} value={b.id}>
                  {b.name}
                </option>
              ))}
            </select>
          ) : null}
        </div>
      ) : (
        <span className="muted" data-testid="current-brand-empty">
          No brand yet
        </span>
      )}
    </div>
  );
}
