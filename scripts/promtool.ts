/**
 * `npm run rules:check` (and part of `npm test`): `promtool check rules` and `promtool test rules`
 * on the alert rules in `ops/prometheus/`. promtool comes with Debian's `prometheus` package; when
 * it is missing it is installed here as root (as `.ci/run` and the test preflight do), otherwise
 * this stops with the command that installs it.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { hasBinary, installDebianPackage } from './start/debian.ts';

const dir = fileURLToPath(new URL('../ops/prometheus/', import.meta.url));

if (!hasBinary('promtool') && !installDebianPackage('prometheus', (line) => console.log(`rules: ${line}`))) {
  console.error('rules: promtool is not installed (apt-get install prometheus, which ships it)');
  process.exit(1);
}
try {
  execFileSync('promtool', ['check', 'rules', 'rules.yml'], { cwd: dir, stdio: 'inherit' });
  execFileSync('promtool', ['test', 'rules', 'rules.test.yml'], { cwd: dir, stdio: 'inherit' });
} catch {
  process.exit(1);
}
