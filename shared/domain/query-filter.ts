/** The filter query parameters shared by the metrics, warehouse and drill-down routes (as their zod schemas parse them). */
export interface FilterQuery<Provider extends string, Surface extends string> {
  provider?: Provider | undefined;
  surface?: Surface | undefined;
  topic?: string | undefined;
  promptSetVersion?: number | undefined;
  branded?: 'true' | 'false' | undefined;
  locale?: string | undefined;
}

/** Only the filters that are set, `branded` as a boolean: what the rollup and warehouse queries take. */
export function filterOfQuery<Provider extends string, Surface extends string>(
  query: FilterQuery<Provider, Surface>,
): {
  provider?: Provider;
  surface?: Surface;
  topic?: string;
  promptSetVersion?: number;
  branded?: boolean;
  locale?: string;
} {
  return {
    ...(query.provider ? { provider: query.provider } : {}),
    ...(query.surface ? { surface: query.surface } : {}),
    ...(query.topic ? { topic: query.topic } : {}),
    ...(query.promptSetVersion ? { promptSetVersion: query.promptSetVersion } : {}),
    ...(query.branded ? { branded: query.branded === 'true' } : {}),
    ...(query.locale ? { locale: query.locale } : {}),
  };
}
