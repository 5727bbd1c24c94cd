import { describe, expect, it } from 'vitest';
import { bucketDelta, histogramQuantile, percentile, summarize } from './stats.ts';

describe('percentile (nearest rank)', () => {
  const hundred = Array.from({ length: 100 }, (_, i) => i + 1); // 1..100

  it('picks the sample at rank ceil(p% of n)', () => {
    expect([50, 95, 99, 100].map((p) => percentile(hundred, p))).toEqual([50, 95, 99, 100]);
    expect([0, 50, 99].map((p) => percentile([7], p))).toEqual([7, 7, 7]);
    expect([50, 99].map((p) => percentile([1, 2, 3], p))).toEqual([2, 3]);
  });

  it('is NaN for no samples, so a figure nobody measured is never shown as 0', () => {
    expect(percentile([], 99)).toBeNaN();
  });
});

describe('summarize', () => {
  it('sorts the samples itself and reports p50, p95, p99, max and mean', () => {
    const shuffled = [30, 10, 20, 40];
    expect(summarize(shuffled)).toEqual({ count: 4, p50: 20, p95: 40, p99: 40, max: 40, mean: 25 });
    expect(shuffled).toEqual([30, 10, 20, 40]);
  });

  it('reports an empty run as NaN figures with count 0', () => {
    const empty = summarize([]);
    expect(empty.count).toBe(0);
    expect([empty.p50, empty.p99, empty.max, empty.mean].every(Number.isNaN)).toBe(true);
  });
});

describe('histogramQuantile (as Prometheus interpolates)', () => {
  // 10 observations <= 0.01, 90 more <= 0.1, none above.
  const buckets = [
    { le: 0.01, count: 10 },
    { le: 0.1, count: 100 },
    { le: Infinity, count: 100 },
  ];

  it('interpolates linearly inside the bucket holding the rank', () => {
    expect(histogramQuantile(buckets, 0.1)).toBeCloseTo(0.01, 10);
    expect(histogramQuantile(buckets, 0.55)).toBeCloseTo(0.055, 10);
    expect(histogramQuantile(buckets, 0.05)).toBeCloseTo(0.005, 10);
  });

  it('answers the highest finite bound when the quantile lies in +Inf', () => {
    expect(histogramQuantile([{ le: 0.5, count: 1 }, { le: Infinity, count: 10 }], 0.99)).toBe(0.5);
  });

  it('is NaN without observations', () => {
    expect(histogramQuantile([{ le: 1, count: 0 }, { le: Infinity, count: 0 }], 0.5)).toBeNaN();
    expect(histogramQuantile([], 0.5)).toBeNaN();
  });

  it('bucketDelta keeps only what was observed between two scrapes', () => {
    const before = [{ le: 0.01, count: 5 }, { le: Infinity, count: 8 }];
    const after = [{ le: 0.01, count: 15 }, { le: 0.1, count: 3 }, { le: Infinity, count: 20 }];
    expect(bucketDelta(before, after)).toEqual([{ le: 0.01, count: 10 }, { le: 0.1, count: 3 }, { le: Infinity, count: 12 }]);
  });
});
