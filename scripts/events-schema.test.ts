import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EVENT_TYPES } from '@platform/events';
import { EVENTS_SCHEMA_PATH, renderEventsSchema } from './events-schema.ts';

describe('schema/events.schema.json', () => {
  it('is exactly what the envelope definition generates (run `npm run events:schema` after changing it)', () => {
    expect(readFileSync(EVENTS_SCHEMA_PATH, 'utf8')).toBe(renderEventsSchema());
  });

  it('describes one envelope per event type', () => {
    const schema = JSON.parse(readFileSync(EVENTS_SCHEMA_PATH, 'utf8')) as { oneOf: { properties: { type: { const: string } } }[] };
    expect(schema.oneOf.map((s) => s.properties.type.const)).toEqual(EVENT_TYPES);
  });
});
