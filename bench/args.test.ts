import { describe, expect, it } from 'vitest';
import { DEFAULT_JSON_PATH, UsageError, parseBenchArgs } from './args.ts';
import { SCENARIOS } from './registry.ts';

const known = new Set(['floor', 'cart-view', 'soak']);

describe('parseBenchArgs', () => {
  it('no arguments: every main scenario, no JSON', () => {
    expect(parseBenchArgs([], known)).toEqual({ scenarios: [], help: false });
  });

  it('keeps the scenarios named, once each', () => {
    expect(parseBenchArgs(['soak', 'cart-view', 'soak'], known).scenarios).toEqual(['soak', 'cart-view']);
  });

  it('--json takes the next word as its file unless it is a scenario or a flag', () => {
    expect(parseBenchArgs(['--json'], known).jsonPath).toBe(DEFAULT_JSON_PATH);
    expect(parseBenchArgs(['--json', 'out.json', 'floor'], known)).toEqual({ scenarios: ['floor'], jsonPath: 'out.json', help: false });
    expect(parseBenchArgs(['--json', 'cart-view'], known)).toEqual({ scenarios: ['cart-view'], jsonPath: DEFAULT_JSON_PATH, help: false });
    expect(parseBenchArgs(['--json', '--help'], known)).toEqual({ scenarios: [], jsonPath: DEFAULT_JSON_PATH, help: true });
    expect(parseBenchArgs(['--json=figures/a.json'], known).jsonPath).toBe('figures/a.json');
  });

  it('names what it does not know', () => {
    expect(() => parseBenchArgs(['cart'], known)).toThrow(new UsageError('unknown scenario cart; choose from floor, cart-view, soak'));
    expect(() => parseBenchArgs(['--fast'], known)).toThrow(new UsageError('unknown option --fast'));
  });
});

describe('the scenario registry', () => {
  it('holds every scenario of the issue, once, with the soak and the tracing and consumers comparisons only on request', () => {
    expect(SCENARIOS.map((s) => s.name)).toEqual([
      'floor',
      'cart-view',
      'cart-view-first',
      'product-page',
      'product-page-first',
      'add-line',
      'add-one-cart',
      'checkout',
      'live-sync',
      'mixed',
      'floor-again',
      'events',
      'flashsale',
      'soak',
      'tracing-cost',
      'consumers-cost',
    ]);
    expect(SCENARIOS.filter((s) => !s.main).map((s) => s.name)).toEqual(['soak', 'tracing-cost', 'consumers-cost']);
  });
});

describe('external scenario modules', () => {
  it('plug in with one registry line: the module gets the run settings and its absence is reported', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { pathToFileURL } = await import('node:url');
    const { external } = await import('./registry.ts');
    const dir = mkdtempSync(join(tmpdir(), 'bench-plugin-'));
    writeFileSync(join(dir, 'plugin.mjs'), 'export async function runPluginBench(options) { globalThis.pluginOptions = options; }\n');
    const plugin = external('plugin', pathToFileURL(join(dir, 'plugin.mjs')).href, 'runPluginBench', 'Plugin');
    const missing = external('missing', pathToFileURL(join(dir, 'missing.mjs')).href, 'runMissingBench', 'Missing');
    expect([plugin.available(), missing.available()]).toEqual([true, false]);

    const { loadBenchSettings } = await import('./settings.ts');
    const context = { settings: loadBenchSettings({ BENCH_DURATION_MS: '1234', BENCH_CONCURRENCY: '7' }), env: {}, floor: {} };
    const outcome = await plugin.run(context);
    expect((globalThis as { pluginOptions?: unknown }).pluginOptions).toEqual({ durationMs: 1234, concurrency: 7 });
    expect(outcome.rows).toEqual([]);

    const wrong = external('wrong', pathToFileURL(join(dir, 'plugin.mjs')).href, 'runOtherBench', 'Wrong');
    await expect(wrong.run(context)).rejects.toThrow(/does not export a function runOtherBench/);
  });
});
