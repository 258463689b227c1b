/** `npx tsx functions/handlers/aggregate/write-event-schemas.ts`: writes docs/events/*.schema.json (a unit test keeps them in sync). */
import { mkdirSync, writeFileSync } from 'node:fs';
import { eventJsonSchemas, schemaFileText } from '#shared/events/json-schema.ts';

const dir = new URL('../../../docs/events/', import.meta.url);
mkdirSync(dir, { recursive: true });
const schemas = eventJsonSchemas();
for (const [name, schema] of Object.entries(schemas))
  writeFileSync(new URL(`${name}.schema.json`, dir), schemaFileText(schema));
console.log(`docs/events: ${Object.keys(schemas).length} schemas`);
