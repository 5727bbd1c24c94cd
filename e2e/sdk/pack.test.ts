/**
 * What partners install: the SDK is built (tsup), packed (`npm pack`) and installed into a fresh
 * folder with `npm install <tarball>` (its dependencies come from the registry), and the README's
 * quick-start script runs there with plain `node` against this file's stack: it adds to a cart
 * and receives the live update. The same folder checks the CommonJS entry and the declarations.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type TestStack } from '@platform/e2e/support';

const exec = promisify(execFile);
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SDK = join(ROOT, 'packages/sdk');
const work = mkdtempSync(join(tmpdir(), 'sdk-pack-'));
const project = join(work, 'partner-app');

// The test runs under `npm test`: npm's own variables (prefix, workspace, ...) must not leak into
// the fresh project's npm, which would then act on this repository instead.
const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name) && name !== 'INIT_CWD'));
const run = (file: string, args: string[], cwd: string, env: Record<string, string | undefined> = {}) => exec(file, args, { cwd, env: { ...cleanEnv, ...env }, timeout: 120_000, maxBuffer: 10 * 1024 * 1024 });

let stack: TestStack;
let tarball: string;

beforeAll(async () => {
  stack = await startStack();
  await run(process.execPath, [join(ROOT, 'node_modules/tsup/dist/cli-default.js')], SDK);
  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', work], SDK);
  const [packed] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
  tarball = join(work, packed!.filename);
  writeFileSync(join(work, 'files.json'), JSON.stringify(packed!.files.map((f) => f.path).sort()));
  await exec('mkdir', ['-p', project]);
  await run('npm', ['init', '-y'], project);
  await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', tarball], project);
}, 240_000);
afterAll(async () => {
  await stack?.stop();
  rmSync(work, { recursive: true, force: true });
});

/** The quick-start script between the README's example markers. */
function readmeExample(): string {
  const readme = readFileSync(join(SDK, 'README.md'), 'utf8');
  const block = /<!-- example:start -->\s*```js\n([\s\S]*?)```\s*<!-- example:end -->/.exec(readme);
  if (!block) throw new Error('packages/sdk/README.md has no example between <!-- example:start --> and <!-- example:end -->');
  return block[1]!;
}

describe('the packed SDK in a fresh project', () => {
  it('the tarball holds the ESM and CommonJS builds, their declarations, the README and package.json only', () => {
    expect(JSON.parse(readFileSync(join(work, 'files.json'), 'utf8'))).toEqual(['README.md', 'dist/index.cjs', 'dist/index.d.cts', 'dist/index.d.ts', 'dist/index.js', 'package.json']);
  });

  it('the README quick start (at most 20 lines) adds to a cart and prints the live update, with plain node', async () => {
    const script = readmeExample();
    expect(script.trimEnd().split('\n').length).toBeLessThanOrEqual(20);
    writeFileSync(join(project, 'cart-demo.mjs'), script);
    const { stdout } = await run(process.execPath, ['cart-demo.mjs'], project, { CART_API_URL: stack.url });
    const lines = stdout.trim().split('\n');
    expect(lines).toContain('addCartLine -> Cart');
    expect(lines.find((l) => l.startsWith('live update'))).toMatch(/^live update v1 LINE_ADDED: 2 x .+, total \d+\.\d{2} SGD$/);
  });

  it('require() gets the CommonJS build with the same API', async () => {
    const { stdout } = await run(process.execPath, ['-e', "const sdk = require('@cart-platform/sdk'); console.log(typeof sdk.createCartClient, Object.keys(sdk.operations).length > 10, typeof sdk.CartVersionGate)"], project);
    expect(stdout.trim()).toBe('function true function');
  });

  it('the declarations type a partner’s TypeScript: typed variables, results and union members', async () => {
    writeFileSync(
      join(project, 'check.ts'),
      [
        "import { createCartClient, CartApiError } from '@cart-platform/sdk';",
        "const client = createCartClient({ url: 'http://localhost:4000/graphql', guestToken: () => 'token' });",
        'export async function demo(productId: string): Promise<number> {',
        '  const { addCartLine } = await client.addCartLine({ input: { productId, quantity: 1 } });',
        "  if (addCartLine.__typename === 'InsufficientStock') return addCartLine.availableQuantity;",
        "  if (addCartLine.__typename === 'Cart') return addCartLine.lines.reduce((n, line) => n + line.quantity, 0);",
        '  // @ts-expect-error: quantity is required',
        '  await client.addCartLine({ input: { productId } });',
        '  const { cart } = await client.liveCart();',
        '  return cart?.cost.total.amount.length ?? (new CartApiError("x", [], 200).code ? 1 : 0);',
        '}',
      ].join('\n'),
    );
    const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
    const result = await run(process.execPath, [tsc, '--noEmit', '--strict', '--skipLibCheck', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--types', 'node', '--typeRoots', join(ROOT, 'node_modules/@types'), 'check.ts'], project).catch(
      (error: { stdout: string; stderr: string }) => ({ stdout: error.stdout, stderr: error.stderr, failed: true }),
    );
    expect(result.stdout + result.stderr).toBe('');
  });
});
