/**
 * `npm run events:schema` writes `schema/events.schema.json`, the JSON Schema of the event
 * envelope, from its one definition (`@platform/events`); `--check` fails when the committed
 * file differs (`events-schema.test.ts` checks the same on every test run).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { envelopeJsonSchema } from '@platform/events';

export const EVENTS_SCHEMA_PATH = fileURLToPath(new URL('../schema/events.schema.json', import.meta.url));

/** The file's content as generated now. */
export const renderEventsSchema = (): string => `${JSON.stringify(envelopeJsonSchema(), null, 2)}\n`;

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const wanted = renderEventsSchema();
  if (process.argv.includes('--check')) {
    const current = readFileSync(EVENTS_SCHEMA_PATH, 'utf8');
    if (current !== wanted) {
      console.error('events:schema: schema/events.schema.json is out of date; run `npm run events:schema`');
      process.exit(1);
    }
    console.log('events:schema: up to date');
  } else {
    writeFileSync(EVENTS_SCHEMA_PATH, wanted);
    console.log('events:schema: wrote schema/events.schema.json');
  }
}
