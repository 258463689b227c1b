import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { CatalogueOverrides } from '#shared/domain/model-catalogue.ts';
import { refreshCatalogue } from '#shared/use-cases/model-catalogue.ts';
import { createDocumentClient } from '../../adapters/aws/clients.ts';
import { DynamoDbModelCatalogueStore } from '../../adapters/aws/dynamodb-model-catalogue.ts';
import { createModelListers } from '../../adapters/providers/model-listing.ts';
import { readProvidersConfig, withSecretKeys } from '../../adapters/providers/registry.ts';
import { systemClock } from '../../adapters/system.ts';
import { readBaseConfig } from '../../config.ts';
import { observed } from '../../middleware/observability.ts';
import { pickCorrelationId } from '../../observability/correlation.ts';
import { logger, tracer } from '../../powertools.ts';
import { secretReader } from '../fanout/provider-wiring.ts';

/**
 * The operator's pins and hides: `MODEL_CATALOGUE_PIN` / `MODEL_CATALOGUE_HIDE`, comma-separated `provider/model`
 * (e.g. `openai/gpt-6-luna`). Applied on every refresh.
 */
export function readCatalogueOverrides(env: Record<string, string | undefined> = process.env): CatalogueOverrides {
  const list = (value: string | undefined) =>
    (value ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter((s) => /^(openai|anthropic|gemini|perplexity)\/[\w.:-]+$/.test(s));
  return { pinned: list(env.MODEL_CATALOGUE_PIN), hidden: list(env.MODEL_CATALOGUE_HIDE) };
}

const config = readBaseConfig();
const store = new DynamoDbModelCatalogueStore(
  tracer.captureAWSv3Client(createDocumentClient(config)),
  config.TABLE_NAME,
);

/** The providers' keys: the Secrets Manager secret in AWS (`PROVIDER_SECRET_ARN`), else the environment. */
async function providersConfig(env: Record<string, string | undefined>) {
  const base = readProvidersConfig(env);
  return env.PROVIDER_SECRET_ARN
    ? withSecretKeys(base, await secretReader(config.AWS_REGION)(env.PROVIDER_SECRET_ARN))
    : base;
}

/** One refresh of the model catalogue (EventBridge Scheduler in AWS, the local stack's timer locally). */
export const refresh = async (env: Record<string, string | undefined> = process.env) => {
  const catalogue = await refreshCatalogue(
    {
      catalogue: store,
      listers: createModelListers(await providersConfig(env)),
      clock: systemClock,
      overrides: readCatalogueOverrides(env),
    },
    (message, details) => logger.warn(message, details),
  );
  return { updatedAt: catalogue.updatedAt, refresh: catalogue.refresh };
};

export const handler = middy(
  observed(
    (event: { id?: string } | undefined) => pickCorrelationId(event?.id),
    () => refresh(),
  ),
).use(injectLambdaContext(logger));
