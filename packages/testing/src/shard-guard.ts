/**
 * Shard-locality guard. Carts and orders are keyed by their owner so they can be distributed by
 * owner (or by the owner's cart / order id, co-located) on Citus: a request's statements must then
 * each touch one shard. `shardProblem` reads one SQL statement and says why it is not restricted
 * to one owner, cart, order or checkout, or returns undefined when it is (or touches no
 * owner-keyed table). It is a reader of the statements this code base writes (Prisma's and the
 * hand-written ones), not a SQL parser: an equality between a key column and a parameter or a
 * literal, or an INSERT that names a key column, is what counts as restricted.
 *
 * Background sweeps that look across owners on purpose (expiry, abandoned-cart scan, checkout
 * recovery) say so in the statement with the comment `/* shard:all <why> *\/`; on Citus they run
 * as multi-shard statements, off the request path.
 */

/** Owner-keyed tables (schema-qualified, as the statements name them) and the columns that pin a statement to one shard. */
export const OWNER_KEYED_TABLES: Record<string, readonly string[]> = {
  'cart.Cart': ['id', 'ownerId'],
  'cart.CartLine': ['cartId'],
  'cart.CartEvent': ['cartId', 'ownerId'],
  'cart.CartShare': ['cartId', 'token'],
  'cart.CartAbandonment': ['cartId'],
  'cart.CartReminder': ['userId', 'cartId'],
  'cart.ReminderPreference': ['userId'],
  'cart.IdempotencyRecord': ['ownerKey'],
  'cart.GuestSession': ['id'],
  'orders.Order': ['id', 'userId', 'checkoutId'],
  'orders.OrderLine': ['orderId'],
  'orders.Payment': ['checkoutId', 'orderId'],
  'orders.Checkout': ['id', 'userId'],
};

/** The marker a deliberate cross-owner statement carries. */
export const FAN_OUT_MARKER = /\/\*\s*shard:all\b[^*]*\*\//;

const ident = '(?:"[^"]+"|[A-Za-z_][A-Za-z0-9_]*)';
const unquote = (s: string) => s.replace(/"/g, '');

/**
 * The column each owner-keyed table would be distributed by on Citus (README "Distribution"): an
 * UPDATE may not assign it, since that would move the row to another shard.
 */
export const DISTRIBUTION_COLUMNS: Record<string, string> = {
  'cart.Cart': 'id',
  'cart.CartLine': 'cartId',
  'cart.CartEvent': 'cartId',
  'cart.CartShare': 'cartId',
  'cart.CartAbandonment': 'cartId',
  'cart.CartReminder': 'userId',
  'cart.ReminderPreference': 'userId',
  'cart.IdempotencyRecord': 'ownerKey',
  'cart.GuestSession': 'id',
  'orders.Order': 'userId',
  'orders.OrderLine': 'orderId',
  'orders.Payment': 'checkoutId',
  'orders.Checkout': 'userId',
};

const withoutLiterals = (sql: string) => sql.replace(/'(?:[^']|'')*'/g, "''");

/** The owner-keyed tables a statement names (outside string literals). */
export function ownerKeyedTables(sql: string): string[] {
  const found = new Set<string>();
  for (const match of withoutLiterals(sql).matchAll(new RegExp(`(${ident})\\s*\\.\\s*(${ident})`, 'g'))) {
    const name = `${unquote(match[1]!)}.${unquote(match[2]!)}`;
    if (name in OWNER_KEYED_TABLES) found.add(name);
  }
  return [...found];
}

/** A constant: a bind parameter (maybe cast) or a literal. */
const constant = `(?:\\$\\d+|'[^']*'|\\d+)(?:\\s*::\\s*[A-Za-z_."]+(?:\\[\\])?)?`;

function restrictedBy(sql: string, columns: readonly string[]): boolean {
  for (const column of columns) {
    const col = `(?:${ident}\\s*\\.\\s*)*"?${column}"?`;
    // column = $1, $1 = column, column IN ($1) (one value only)
    if (new RegExp(`${col}\\s*=\\s*${constant}`).test(sql)) return true;
    if (new RegExp(`${constant}\\s*=\\s*${col}(?![A-Za-z0-9_"])`).test(sql)) return true;
    if (new RegExp(`${col}\\s+IN\\s*\\(\\s*${constant}\\s*\\)`, 'i').test(sql)) return true;
  }
  return false;
}

function insertNames(sql: string, columns: readonly string[]): boolean {
  const insert = new RegExp(`^\\s*(?:WITH[\\s\\S]*?)?INSERT\\s+INTO\\s+${ident}\\s*\\.\\s*${ident}\\s*\\(([^)]*)\\)`, 'i').exec(sql.replace(FAN_OUT_MARKER, ''));
  if (!insert) return false;
  const named = insert[1]!.split(',').map((c) => unquote(c.trim()));
  return columns.some((c) => named.includes(c));
}

/** The SET lists of a statement's UPDATEs (and ON CONFLICT DO UPDATEs). */
const setClauses = (sql: string) => [...sql.matchAll(/\bSET\b([\s\S]*?)(?=\bWHERE\b|\bFROM\b|\bRETURNING\b|\)|$)/gi)].map((m) => m[1]!);

/** Why `sql` is not shard-local, or undefined when it is. */
export function shardProblem(sql: string): string | undefined {
  const tables = ownerKeyedTables(sql);
  if (tables.length === 0 || FAN_OUT_MARKER.test(sql)) return undefined;
  const sets = setClauses(sql);
  for (const table of tables) {
    const column = DISTRIBUTION_COLUMNS[table]!;
    if (sets.some((set) => new RegExp(`(?:^|,)\\s*"?${column}"?\\s*=`).test(set))) return `assigns ${table}."${column}", its distribution column (a row never moves between shards)`;
  }
  // Assignments are not restrictions: only what is left once the SET lists are gone counts.
  const rest = sql.replace(/\bSET\b[\s\S]*?(?=\bWHERE\b|\bFROM\b|\bRETURNING\b|\)|$)/gi, 'SET ');
  const keys = [...new Set(tables.flatMap((t) => OWNER_KEYED_TABLES[t]!))];
  if (restrictedBy(rest, keys) || insertNames(sql, keys)) return undefined;
  return `touches ${tables.join(', ')} without restricting ${keys.map((k) => `"${k}"`).join(' / ')} to one value`;
}

/** One statement seen by a recorder. */
export interface RecordedStatement {
  text: string;
}

/** The distinct statements among `statements` that are not shard-local, each with its reason. */
export function shardViolations(statements: Iterable<RecordedStatement>): { sql: string; problem: string }[] {
  const seen = new Map<string, string>();
  for (const { text } of statements) {
    const sql = text.replace(/\s+/g, ' ').trim();
    if (seen.has(sql)) continue;
    const problem = shardProblem(sql);
    if (problem) seen.set(sql, problem);
  }
  return [...seen].map(([sql, problem]) => ({ sql, problem }));
}

/**
 * The subgraphs whose statements the end-to-end shard guard checks, by their pools'
 * `application_name` (`packages/server`, `DatabaseSettings.applicationName`).
 */
export const SHARD_GUARDED_APPLICATIONS: readonly string[] = ['cp-cart', 'cp-order'];

/**
 * Reviewed statements that reach more than one shard and carry no `shard:all` marker (SQL a
 * library writes, say), each with why it may. A pattern matches the whitespace-collapsed text.
 * Keep it short: a request-path statement is fixed (restricted) rather than listed here.
 */
export const SHARD_ALLOW_LIST: readonly { pattern: RegExp; reason: string }[] = [];

/** What one end-to-end test file's subgraphs ran: statements seen per application, and the non-shard-local ones. */
export interface ShardFileReport {
  file: string;
  statements: Record<string, number>;
  violations: { sql: string; problem: string; application: string }[];
}

/** True when the (whitespace-collapsed) statement is on the allow-list. */
export function shardAllowed(sql: string, allow: readonly { pattern: RegExp }[] = SHARD_ALLOW_LIST): boolean {
  return allow.some((a) => a.pattern.test(sql));
}

/** `shardViolations` for one application's statements, less the allow-list. */
export function unallowedShardViolations(statements: Iterable<RecordedStatement>, allow: readonly { pattern: RegExp }[] = SHARD_ALLOW_LIST): { sql: string; problem: string }[] {
  return shardViolations(statements).filter((v) => !shardAllowed(v.sql, allow));
}

/**
 * The end-to-end run's verdict from every file's report: undefined when no file ran a
 * non-shard-local statement, else a message naming each offending statement and the files that
 * ran it.
 */
export function shardGuardFailure(reports: readonly ShardFileReport[]): string | undefined {
  const bySql = new Map<string, { problem: string; applications: Set<string>; files: Set<string> }>();
  for (const report of reports) {
    for (const v of report.violations) {
      const entry = bySql.get(v.sql) ?? { problem: v.problem, applications: new Set(), files: new Set() };
      entry.applications.add(v.application);
      entry.files.add(report.file);
      bySql.set(v.sql, entry);
    }
  }
  if (bySql.size === 0) return undefined;
  const lines = [...bySql].map(([sql, e]) => `- ${sql}\n    ${e.problem}\n    run by ${[...e.applications].join(', ')} in ${[...e.files].sort().join(', ')}`);
  return (
    `shard guard: ${bySql.size} statement(s) against owner-keyed tables not restricted to one owner, cart, order or checkout ` +
    `(restrict it, mark a deliberate sweep /* shard:all <why> */, or add it to SHARD_ALLOW_LIST with the reason):\n${lines.join('\n')}`
  );
}
