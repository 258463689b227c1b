/** The local stand-in for the model catalogue's EventBridge schedule: one refresh at start, then every 6 hours. */
export const MODEL_CATALOGUE_REFRESH_MS = 6 * 3_600_000;

export async function startModelCatalogueSchedule(options: {
  log: (line: string) => void;
  intervalMs?: number;
}): Promise<() => Promise<void>> {
  const { refresh } = await import('../functions/handlers/catalogue/refresh.ts');
  const once = async () => {
    try {
      const result = await refresh();
      const failed = Object.entries(result.refresh).filter(([, s]) => s?.outcome === 'failed');
      if (failed.length > 0)
        options.log(`model catalogue: kept the last good list for ${failed.map(([p]) => p).join(', ')}`);
    } catch (error) {
      options.log(`model catalogue refresh failed: ${(error as Error).message}`);
    }
  };
  await once();
  const timer = setInterval(() => void once(), options.intervalMs ?? MODEL_CATALOGUE_REFRESH_MS);
  return async () => clearInterval(timer);
}
