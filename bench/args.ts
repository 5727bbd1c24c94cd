/** The bench's command line: `npm run bench -- [scenario ...] [--json [file]] [--help]`. Pure, so it is unit-tested. */

export const DEFAULT_JSON_PATH = 'bench/bench-results.json';

export interface BenchArgs {
  /** Scenario names as typed, in order; empty means "every main scenario". */
  scenarios: string[];
  /** Where to write the JSON figures; undefined when `--json` was not given. */
  jsonPath?: string;
  help: boolean;
}

export class UsageError extends Error {}

/**
 * Parses the arguments after `--`. `--json` takes the next word as its file unless that word is
 * a known scenario name or another flag (`--json=file` always works).
 */
export function parseBenchArgs(argv: readonly string[], known: ReadonlySet<string>): BenchArgs {
  const result: BenchArgs = { scenarios: [], help: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') result.help = true;
    else if (arg.startsWith('--json=')) result.jsonPath = arg.slice('--json='.length) || DEFAULT_JSON_PATH;
    else if (arg === '--json') {
      const next = argv[i + 1];
      if (next !== undefined && !next.startsWith('-') && !known.has(next)) {
        result.jsonPath = next;
        i += 1;
      } else result.jsonPath = DEFAULT_JSON_PATH;
    } else if (arg.startsWith('-')) throw new UsageError(`unknown option ${arg}`);
    else if (!known.has(arg)) throw new UsageError(`unknown scenario ${arg}; choose from ${[...known].join(', ')}`);
    else if (!result.scenarios.includes(arg)) result.scenarios.push(arg);
  }
  return result;
}
