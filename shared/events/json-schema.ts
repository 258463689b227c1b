import * as z from 'zod';
import { EXPORTED_SCHEMAS } from './schemas.ts';

/** JSON Schemas (draft 2020-12) of the canonical events, by file stem: `docs/events/<stem>.schema.json`. */
export function eventJsonSchemas(): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, schema] of Object.entries(EXPORTED_SCHEMAS)) {
    out[name] = {
      $id: `https://promptpulse.dev/schemas/events/${name}.schema.json`,
      title: name === 'envelope' ? 'CloudEvents 1.0 envelope' : `promptpulse.${name}`,
      ...z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input' }),
    };
  }
  return out;
}

/** The file text of one schema (stable formatting so the committed files can be compared in a test). */
export const schemaFileText = (schema: unknown) => `${JSON.stringify(schema, null, 2)}\n`;
