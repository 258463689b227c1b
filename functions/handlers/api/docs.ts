import { logger } from '../../powertools.ts';
import { createApiApp } from './app.ts';
import { openApiDocumentRoute } from './routes/openapi-document.ts';
import { httpHandler } from './wiring-http.ts';

/**
 * The API description function in AWS: `GET /openapi.json`, public, from the generated document. No table client
 * and no token verifier: it serves nothing else.
 */
export const handler = httpHandler(
  createApiApp(null, logger, [openApiDocumentRoute(process.env.APP_VERSION ?? 'dev')]),
  logger,
);
