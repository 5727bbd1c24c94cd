/**
 * Records every SQL statement this process sends through node-postgres (Prisma's driver adapter
 * and the hand-written SQL both end in `pg.Client.prototype.query`), with the database it went to
 * and the connection's `application_name` (the subgraphs name their pools `cp-cart`, `cp-order`,
 * ...; a test fixture's own connections have none).
 */
import pg from 'pg';
import type { RecordedStatement } from '@platform/testing';

export type RecordedSql = RecordedStatement & { database: string | undefined; application: string | undefined; named: boolean };

export interface SqlRecorder {
  statements: RecordedSql[];
  stop(): void;
}

type Params = { connectionParameters?: { database?: string; application_name?: string } };

function describeQuery(client: Params, args: unknown[]): RecordedSql | undefined {
  const [first] = args;
  const text = typeof first === 'string' ? first : (first as { text?: string } | undefined)?.text;
  if (!text) return undefined;
  const named = typeof first === 'object' && first !== null && Boolean((first as { name?: string }).name);
  return { text, database: client.connectionParameters?.database, application: client.connectionParameters?.application_name || undefined, named };
}

export function recordSql(): SqlRecorder {
  const original = pg.Client.prototype.query;
  const statements: SqlRecorder['statements'] = [];
  pg.Client.prototype.query = function (this: pg.Client & Params, ...args: unknown[]) {
    const statement = describeQuery(this, args);
    if (statement) statements.push(statement);
    return (original as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof original;
  return {
    statements,
    stop: () => {
      pg.Client.prototype.query = original;
    },
  };
}

/** Where the worker-wide tap (`tapSql`) sends statements; replaced per test file. */
type Sink = ((statement: RecordedSql) => void) | undefined;
const TAP = Symbol.for('cart-platform.sql-tap');
type Tapped = { [TAP]?: { sink: Sink } };

/**
 * A tap on `pg.Client.prototype.query` installed once per worker process and never removed
 * (node-postgres is loaded once per worker and shared by every test file it runs, so a per-file
 * patch and unpatch could unwind a recorder a test file installed on top, like `recordSql`): each
 * call points it at a new sink and returns the previous one's detacher.
 */
export function tapSql(sink: (statement: RecordedSql) => void): () => void {
  const proto = pg.Client.prototype as unknown as Tapped & { query: (...a: unknown[]) => unknown };
  let tap = proto[TAP];
  if (!tap) {
    tap = { sink: undefined };
    const holder = tap;
    const original = proto.query;
    proto.query = function (this: Params, ...args: unknown[]) {
      if (holder.sink) {
        const statement = describeQuery(this, args);
        if (statement) holder.sink(statement);
      }
      return original.apply(this, args);
    };
    Object.defineProperty(proto, TAP, { value: holder, enumerable: false });
  }
  tap.sink = sink;
  const mine = tap;
  return () => {
    if (mine.sink === sink) mine.sink = undefined;
  };
}
