/** `npm run openapi`: writes docs/openapi.json from the route table (a unit test keeps it in sync). */
import { writeFileSync } from 'node:fs';
import { buildOpenApiDocument } from './openapi.ts';
import { apiRoutes } from './route-table.ts';
import type { ApiDeps } from './routes.ts';

const document = buildOpenApiDocument(apiRoutes({} as ApiDeps), 'dev');
writeFileSync(new URL('../../../docs/openapi.json', import.meta.url), `${JSON.stringify(document, null, 2)}\n`);
console.log(`docs/openapi.json: ${Object.keys(document.paths ?? {}).length} paths`);
