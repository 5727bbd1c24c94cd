/**
 * `/ready`: JSON with the status of each dependency. Required checks (Postgres) decide 200 or
 * 503; optional ones (Redis) only mark the service "degraded", since it keeps serving without them.
 */
import type { Route } from './http.ts';

export interface ReadinessChecks {
  required: Record<string, () => Promise<boolean>>;
  optional?: Record<string, () => Promise<boolean>>;
}

const withTimeout = (check: () => Promise<boolean>, ms: number): Promise<boolean> =>
  Promise.race([check().catch(() => false), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), ms).unref())]);

/** Runs every check (each within 1 s) and reports them. */
export async function runReadiness(checks: ReadinessChecks) {
  const entries = async (group: Record<string, () => Promise<boolean>> = {}) =>
    Object.fromEntries(await Promise.all(Object.entries(group).map(async ([name, check]) => [name, (await withTimeout(check, 1_000)) ? 'up' : 'down'] as const)));
  const required = await entries(checks.required);
  const optional = await entries(checks.optional);
  const ready = Object.values(required).every((s) => s === 'up');
  const degraded = Object.values(optional).some((s) => s === 'down');
  return { ready, status: !ready ? 'unavailable' : degraded ? 'degraded' : 'ready', checks: { ...required, ...optional } };
}

export function readinessRoute(service: string, checks: ReadinessChecks): Route {
  return async () => {
    const report = await runReadiness(checks);
    return { status: report.ready ? 200 : 503, body: { service, status: report.status, checks: report.checks } };
  };
}
