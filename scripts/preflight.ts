/**
 * Runs before the tests: the test Postgres and Redis must answer, or we stop here with the
 * command that starts them instead of letting every test time out. NATS (JetStream) is started
 * here when it is local and down, and NATS and Chromium (the storefront's browser tests drive it)
 * are installed from Debian's packages first when missing (as root), as `.ci/run` does; so is
 * promtool (the `prometheus` package), which checks and tests the alert rules.
 *
 *   TEST_DATABASE_URL  default postgresql://postgres@127.0.0.1:5432/postgres
 *   TEST_REDIS_URL     default redis://127.0.0.1:6379
 *   TEST_NATS_URL      default nats://127.0.0.1:4222
 *   CHROMIUM_PATH      default /usr/bin/chromium (Debian's package)
 */
import { existsSync, readdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { probePostgres, probeRedis, redact } from './start/probes.ts';
import { hasBinary, installDebianPackage } from './start/debian.ts';
import { findNatsServer, installNatsServer, natsAnswers, startNatsServer } from './start/nats.ts';

const pgUrl = process.env.TEST_DATABASE_URL || 'postgresql://postgres@127.0.0.1:5432/postgres';
const redisUrl = process.env.TEST_REDIS_URL || 'redis://127.0.0.1:6379';
const natsUrl = new URL(process.env.TEST_NATS_URL || 'nats://127.0.0.1:4222');

/** NATS answers, or is started here (local only); a reason when it cannot be had. */
async function ensureNats(): Promise<string | undefined> {
  const port = Number(natsUrl.port || 4222);
  if (await natsAnswers(natsUrl.hostname, port)) return undefined;
  if (!['127.0.0.1', 'localhost'].includes(natsUrl.hostname)) return `NATS at ${natsUrl.host} does not answer`;
  const binary = findNatsServer() ?? (installNatsServer((line) => console.log(`preflight: ${line}`)) ? findNatsServer() : undefined);
  if (!binary) return 'NATS does not answer and nats-server is not installed (apt-get install nats-server, or docker compose up -d nats)';
  // The machine's usual store for the usual port (as .ci/run); never share one store between two servers.
  const storeDir = process.getuid?.() === 0 && port === 4222 ? '/var/lib/nats-server' : join(tmpdir(), `cart-platform-nats-${port}`);
  console.log(`preflight: starting ${binary} -js on 127.0.0.1:${port} (store ${storeDir})`);
  try {
    await startNatsServer(binary, { port, storeDir, detached: true });
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/** Chromium is there, or installed here from Debian's package (as root). */
function ensureChromium(): boolean {
  if (existsSync(chromiumPath)) return true;
  if (process.env.CHROMIUM_PATH) return false;
  return installDebianPackage('chromium', (line) => console.log(`preflight: ${line}`)) && existsSync(chromiumPath);
}

/** PgBouncer and HAProxy (the scale-out tests start their own) are there, or installed here from Debian (as root). */
function ensureScaleOutTools(): string[] {
  const found = (bin: string) => hasBinary(bin) || existsSync(`/usr/sbin/${bin}`);
  return ['pgbouncer', 'haproxy'].filter((bin) => !found(bin) && !(installDebianPackage(bin, (line) => console.log(`preflight: ${line}`)) && found(bin)));
}

const [postgres, redis, natsProblem] = await Promise.all([probePostgres(pgUrl, 3_000), probeRedis(redisUrl, 3_000), ensureNats()]);
const chromium = ensureChromium();
// promtool (Debian's prometheus package) tests the alert rules; scripts/promtool.ts says how to get it if this cannot.
if (!hasBinary('promtool')) installDebianPackage('prometheus', (line) => console.log(`preflight: ${line}`));
const missingTools = ensureScaleOutTools();

if (postgres.ok && redis.ok && !natsProblem && chromium && missingTools.length === 0) {
  console.log(`preflight: Postgres (${redact(pgUrl)}), Redis (${redact(redisUrl)}) and NATS (${natsUrl.host}) answer; Chromium at ${chromiumPath}`);
  process.exit(0);
}

const onPath = (bin: string): boolean => {
  try {
    execFileSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

/** The Debian cluster version(s) under /etc/postgresql, newest last. */
const clusters = existsSync('/etc/postgresql') ? readdirSync('/etc/postgresql').sort((a, b) => Number(a) - Number(b)) : [];

const lines: string[] = [];
const fixes: string[] = [];
const loginRefused = !postgres.ok && (postgres.code === '28P01' || postgres.code === '28000');

if (!postgres.ok) {
  lines.push(`Postgres at ${redact(pgUrl)} ${loginRefused ? 'refused the login' : 'does not answer'}: ${postgres.reason}`);
  if (loginRefused) {
    fixes.push(
      'allow the postgres role without a password over 127.0.0.1 (pg_hba.conf: `host all all 127.0.0.1/32 trust`, then reload),',
      'or point TEST_DATABASE_URL at a server and role the tests may use',
    );
  } else if (clusters.length) {
    fixes.push(`pg_ctlcluster --skip-systemctl-redirect ${clusters.at(-1)} main start`);
  }
}
if (!redis.ok) {
  lines.push(`Redis at ${redact(redisUrl)} does not answer: ${redis.reason}`);
  if (onPath('redis-server')) {
    fixes.push(
      'redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log',
    );
  }
}
if (natsProblem) lines.push(natsProblem);
const somethingDown = (!postgres.ok && !loginRefused) || !redis.ok;
if (somethingDown) fixes.push(`${fixes.length ? 'or, with Docker: ' : ''}docker compose up -d postgres redis`);
for (const tool of missingTools) {
  lines.push(`${tool} is not installed (the scale-out tests start their own)`);
  fixes.push(`apt-get install -y ${tool}   (Debian)`);
}
if (!chromium) {
  lines.push(`Chromium is not at ${chromiumPath} (the storefront's browser tests drive it; \`npx playwright install\` cannot download one here)`);
  fixes.push('apt-get install -y chromium   (Debian; or set CHROMIUM_PATH to a Chromium or Chrome binary)');
}

console.error(`preflight: the tests need a real Postgres, Redis and NATS (JetStream), and Chromium.`);
for (const line of lines) console.error(`  DOWN  ${line}`);
console.error(`Fix:`);
for (const fix of fixes) console.error(`  ${fix}`);
process.exit(1);
