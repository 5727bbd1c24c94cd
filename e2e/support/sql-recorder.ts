/**
 * Records every SQL statement this process sends through node-postgres (Prisma's driver adapter
 * and the hand-written SQL both end in `pg.Client.prototype.query`), with the database it went to.
 */
import pg from 'pg';
import type { RecordedStatement } from '@platform/testing';

export interface SqlRecorder {
  statements: (RecordedStatement & { database: string | undefined; named: boolean })[];
  stop(): void;
}

export function recordSql(): SqlRecorder {
  const original = pg.Client.prototype.query;
  const statements: SqlRecorder['statements'] = [];
  pg.Client.prototype.query = function (this: pg.Client & { connectionParameters?: { database?: string } }, ...args: unknown[]) {
    const [first] = args;
    const text = typeof first === 'string' ? first : (first as { text?: string } | undefined)?.text;
    const named = typeof first === 'object' && first !== null && Boolean((first as { name?: string }).name);
    if (text) statements.push({ text, database: this.connectionParameters?.database, named });
    return (original as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof original;
  return {
    statements,
    stop: () => {
      pg.Client.prototype.query = original;
    },
  };
}
