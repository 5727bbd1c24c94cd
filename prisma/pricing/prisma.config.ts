/**
 * For the native Prisma CLI, e.g. `npx prisma migrate status --config prisma/pricing/prisma.config.ts`.
 * The project's scripts (db:migrate, db:migration, prisma:generate) do not read it. Paths are
 * relative to this file; `?schema=` keeps `_prisma_migrations` in this subgraph's Postgres
 * schema, where `npm run db:migrate` keeps it too.
 */
import { defineConfig } from 'prisma/config';
import { databaseUrlFor, PG_SCHEMAS } from '@platform/config';

const url = new URL(databaseUrlFor('pricing')); // PRICING_DATABASE_URL, else DATABASE_URL, else the dev default
url.searchParams.set('schema', PG_SCHEMAS.pricing);

export default defineConfig({
  schema: 'schema.prisma',
  migrations: { path: 'migrations' },
  datasource: { url: url.toString() },
});
