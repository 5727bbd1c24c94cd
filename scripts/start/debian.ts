/**
 * Installs a missing piece of infrastructure from Debian's packages, as `.ci/run` does: only as
 * root and only where apt-get exists; false otherwise or when the install fails (the caller then
 * says how to install it by hand).
 */
import { execFileSync } from 'node:child_process';

const APT_ENV = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };

export function hasBinary(name: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export function installDebianPackage(pkg: string, log: (line: string) => void): boolean {
  if (process.getuid?.() !== 0 || !hasBinary('apt-get')) return false;
  log(`installing ${pkg} with apt-get`);
  try {
    execFileSync('apt-get', ['update'], { stdio: 'ignore', env: APT_ENV });
    execFileSync('apt-get', ['install', '-y', '--no-install-recommends', pkg], { stdio: 'ignore', env: APT_ENV });
    return true;
  } catch {
    return false;
  }
}
