/**
 * Reading a service's `/metrics` (Prometheus text format 0.0.4, as prom-client writes it): the
 * samples, the metric names it declares (a labelled counter that never counted has a `# TYPE`
 * line but no sample), sums over label matches and a histogram's cumulative buckets.
 */
import type { Bucket } from './stats.ts';

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Scrape {
  samples: Sample[];
  /** Names from `# TYPE` lines: what the service exposes even before its first observation. */
  declared: Set<string>;
}

const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

function parseValue(text: string): number {
  if (text === '+Inf') return Number.POSITIVE_INFINITY;
  if (text === '-Inf') return Number.NEGATIVE_INFINITY;
  return Number(text);
}

/** Parses the exposition text into samples and declared metric names. */
export function parsePrometheus(text: string): Scrape {
  const samples: Sample[] = [];
  const declared = new Set<string>();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line) continue;
    if (line.startsWith('#')) {
      const type = /^# TYPE (\S+) /.exec(line);
      if (type) declared.add(type[1]!);
      continue;
    }
    const brace = line.indexOf('{');
    const space = line.indexOf(' ');
    let name: string;
    let labels: Record<string, string> = {};
    let rest: string;
    if (brace >= 0 && (space < 0 || brace < space)) {
      const end = line.lastIndexOf('}');
      name = line.slice(0, brace);
      labels = Object.fromEntries([...line.slice(brace + 1, end).matchAll(LABEL)].map((m) => [m[1]!, m[2]!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c))]));
      rest = line.slice(end + 1).trim();
    } else {
      name = line.slice(0, space);
      rest = line.slice(space + 1).trim();
    }
    const value = parseValue(rest.split(/\s+/)[0] ?? '');
    if (name && !Number.isNaN(value)) samples.push({ name, labels, value });
  }
  return { samples, declared };
}

const matches = (labels: Record<string, string>, wanted: Record<string, string>): boolean => Object.entries(wanted).every(([k, v]) => labels[k] === v);

/** Sum of every sample named `name` whose labels include `where`. 0 when there is none. */
export function sumSamples(scrape: Scrape, name: string, where: Record<string, string> = {}): number {
  let total = 0;
  for (const sample of scrape.samples) if (sample.name === name && matches(sample.labels, where)) total += sample.value;
  return total;
}

/** Cumulative buckets of histogram `name` (its `_bucket` samples), summed over every other label. */
export function histogramBuckets(scrape: Scrape, name: string, where: Record<string, string> = {}): Bucket[] {
  const byBound = new Map<number, number>();
  for (const sample of scrape.samples) {
    if (sample.name !== `${name}_bucket` || !matches(sample.labels, where) || sample.labels.le === undefined) continue;
    const le = parseValue(sample.labels.le);
    byBound.set(le, (byBound.get(le) ?? 0) + sample.value);
  }
  return [...byBound].map(([le, count]) => ({ le, count })).sort((a, b) => a.le - b.le);
}
