/**
 * Runs before the tests: the test Postgres and Redis must answer, and the storefront's browser
 * tests need Chromium, or we stop here with the command that fixes it instead of letting every
 * test time out.
 *
 *   TEST_DATABASE_URL  default postgresql://postgres@127.0.0.1:5432/postgres
 *   TEST_REDIS_URL     default redis://127.0.0.1:6379
 *   CHROMIUM_PATH      default /usr/bin/chromium (Debian's package)
 */
import { existsSync, readdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { probePostgres, probeRedis, redact } from './start/probes.ts';

const pgUrl = process.env.TEST_DATABASE_URL || 'postgresql://postgres@127.0.0.1:5432/postgres';
const redisUrl = process.env.TEST_REDIS_URL || 'redis://127.0.0.1:6379';

const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

const [postgres, redis] = await Promise.all([probePostgres(pgUrl, 3_000), probeRedis(redisUrl, 3_000)]);
const chromium = existsSync(chromiumPath);

if (postgres.ok && redis.ok && chromium) {
  console.log(`preflight: Postgres (${redact(pgUrl)}) and Redis (${redact(redisUrl)}) answer; Chromium at ${chromiumPath}`);
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
const somethingDown = (!postgres.ok && !loginRefused) || !redis.ok;
if (somethingDown) fixes.push(`${fixes.length ? 'or, with Docker: ' : ''}docker compose up -d postgres redis`);
if (!chromium) {
  lines.push(`Chromium is not at ${chromiumPath} (the storefront's browser tests drive it; \`npx playwright install\` cannot download one here)`);
  fixes.push('apt-get install -y chromium   (Debian; or set CHROMIUM_PATH to a Chromium or Chrome binary)');
}

console.error(`preflight: the tests need a real Postgres and Redis, and Chromium.`);
for (const line of lines) console.error(`  DOWN  ${line}`);
console.error(`Fix:`);
for (const fix of fixes) console.error(`  ${fix}`);
process.exit(1);
