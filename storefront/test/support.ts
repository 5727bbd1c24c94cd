/**
 * The storefront in a real browser: the whole platform (`startStack`), the storefront server in
 * this process pointed at that stack's gateway, and Debian's Chromium driven by playwright-core.
 * Each test file gets its own of all three.
 */
import { mkdirSync } from 'node:fs';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { createLogger } from '@platform/logger';
import { startStack, TEST_JWT_SECRET, type StackOptions, type TestStack } from '@platform/e2e/support';
import { startStorefront, type RunningStorefront } from '../server/app.ts';
import { loadStorefrontConfig } from '../server/config.ts';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const ARTIFACTS_DIR = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));

/**
 * Flags for this machine: headless, no sandbox (root), and nothing that reaches for hosts a CI
 * machine cannot reach. Playwright gives every launch a new, empty profile (--user-data-dir).
 */
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];

export interface Shop {
  stack: TestStack;
  storefront: RunningStorefront;
  browser: Browser;
  /** A new browser context (its own storage: a new shopper) with a page on the storefront. */
  visit(options?: BrowserContextOptions & { storefront?: RunningStorefront }): Promise<Page>;
  /** Another storefront server on the same stack (e.g. with its WebSocket URL through a proxy). */
  startStorefront(env?: Record<string, string>): Promise<RunningStorefront>;
  stop(): Promise<void>;
}

/** Starts stack, storefront and Chromium; call `stop()` in afterAll. */
export async function startShop(options: StackOptions = {}): Promise<Shop> {
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`Chromium not found at ${CHROMIUM_PATH}: install it with \`apt-get install -y chromium\` (or set CHROMIUM_PATH)`);
  const stack = await startStack(options);
  const storefronts: RunningStorefront[] = [];
  const contexts: BrowserContext[] = [];
  const start = async (env: Record<string, string> = {}) => {
    const config = loadStorefrontConfig({ NODE_ENV: 'test', HOST: '127.0.0.1', STOREFRONT_PORT: '0', AUTH_JWT_SECRET: TEST_JWT_SECRET, STOREFRONT_GATEWAY_URL: stack.url, ...env });
    const running = await startStorefront(config, createLogger('storefront', { level: stack.env.LOG_LEVEL ?? 'silent' }));
    storefronts.push(running);
    return running;
  };
  let browser: Browser | undefined;
  try {
    const storefront = await start();
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
    const launched = browser;
    return {
      stack,
      storefront,
      browser: launched,
      startStorefront: start,
      async visit(visitOptions = {}) {
        const { storefront: target = storefront, ...contextOptions } = visitOptions;
        const context = await launched.newContext({ viewport: { width: 1280, height: 900 }, ...contextOptions });
        contexts.push(context);
        const page = await context.newPage();
        watchForPageErrors(page);
        await page.goto(target.url);
        await waitForLiveSync(page);
        return page;
      },
      async stop() {
        for (const context of contexts) await context.close().catch(() => undefined);
        await launched.close().catch(() => undefined);
        for (const running of storefronts) await running.stop();
        await stack.stop();
      },
    };
  } catch (error) {
    await browser?.close().catch(() => undefined);
    for (const running of storefronts) await running.stop();
    await stack.stop();
    throw error;
  }
}

/**
 * `expect.poll` with room for a loaded machine: on a shared two-core box one UI step (a click,
 * its GraphQL round trips, the render) can take seconds. Time-critical claims are measured
 * separately, never by this timeout.
 */
export const eventually = <T>(value: () => T | Promise<T>, timeout = 15_000) => expect.poll(value, { timeout, interval: 50 });

/** Uncaught errors in the page fail the test that caused them (reported at the next assertion). */
const pageErrors = new WeakMap<Page, Error[]>();
function watchForPageErrors(page: Page): void {
  const errors: Error[] = [];
  pageErrors.set(page, errors);
  page.on('pageerror', (error) => errors.push(error));
}

/** Fails when `page` has thrown an uncaught error so far. */
export function expectNoPageErrors(page: Page): void {
  expect((pageErrors.get(page) ?? []).map((e) => e.message)).toEqual([]);
}

/** The texts of every element matching `testId`, in page order. */
export const texts = (page: Page, testId: string): Promise<string[]> => page.getByTestId(testId).allInnerTexts();

/** Waits until the page's live cart sync is established and settled (the SDK's `ready`). */
export async function waitForLiveSync(page: Page): Promise<void> {
  await eventually(() => page.getByTestId('live-status').getAttribute('data-ready'), 20_000).toBe('true');
}

/** Signs the page's shopper in with the demo login and waits for the user's live cart sync. */
export async function signIn(page: Page, name: string): Promise<void> {
  await page.getByLabel('Your name').fill(name);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await eventually(() => page.getByTestId('signed-in-as').textContent().catch(() => null)).toBe(name);
  await waitForLiveSync(page);
}

/**
 * When the browser received the answer to the next `operationName` request of `page` (epoch
 * ms, from the browser's own network timing), whatever persisted-query round trips it took.
 */
export async function answeredAt(page: Page, operationName: string): Promise<number> {
  const response = await page.waitForResponse(async (r) => {
    if (r.request().postDataJSON()?.operationName !== operationName) return false;
    const body = (await r.json().catch(() => undefined)) as { data?: unknown } | undefined;
    return body?.data !== undefined && body.data !== null;
  });
  await response.finished();
  const timing = response.request().timing();
  return timing.startTime + timing.responseEnd;
}

/** The identity the page keeps (guest or user token), to check the cart through the API. */
export async function storedIdentity(page: Page): Promise<{ kind: 'guest' | 'user'; token: string }> {
  const raw = await page.evaluate(() => localStorage.getItem('storefront.identity'));
  if (!raw) throw new Error('the page holds no identity');
  return JSON.parse(raw) as { kind: 'guest' | 'user'; token: string };
}

/** A path for a screenshot kept as a test artifact (`test-artifacts/`, git-ignored). */
export function artifact(name: string): string {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  return join(ARTIFACTS_DIR, name);
}
