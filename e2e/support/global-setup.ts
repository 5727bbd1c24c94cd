/** vitest global setup for end-to-end tests: build the template database once per run. */
import { ensureTemplate } from './database.ts';

export default async function setup(): Promise<void> {
  await ensureTemplate();
}
