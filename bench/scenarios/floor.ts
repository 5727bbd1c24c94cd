/**
 * The floor: what this machine, right now, can do for the simplest possible service. Two tiny
 * servers, each its own process, loaded by the same generator with the same clients and the
 * same request as the cart view: bare node:http answering a fixed 3 KB JSON body, and the same
 * after one Redis HGETALL. Every other closed-loop row divides its ops/s by the second.
 * Measured at the start of a run and again at the end: the drift says how noisy the run was.
 */
import { randomBytes } from 'node:crypto';
import { startChild } from '../child.ts';
import { CART_VIEW, graphqlRequest } from '../data.ts';
import { measureLoad, type Row } from '../measure.ts';
import { durations, type BaseContext, type Scenario, type ScenarioOutcome } from '../scenario.ts';

const FLOOR_SERVER = new URL('../floor-server.ts', import.meta.url);

const MODES = [
  { mode: 'http', label: 'bare HTTP (3 KB JSON)' },
  { mode: 'redis', label: 'HTTP + one Redis HGETALL' },
] as const;

async function measureFloor(ctx: BaseContext): Promise<Row[]> {
  const { durationMs, warmupMs, clients } = durations(ctx);
  const rows: Row[] = [];
  for (const { mode, label } of MODES) {
    const server = startChild(FLOOR_SERVER, { mode, redisUrl: ctx.settings.TEST_REDIS_URL, keyPrefix: `bench:floor:${randomBytes(4).toString('hex')}:` }, ctx.env);
    try {
      const { port } = await server.next<{ type: 'listening'; port: number }>('listening', 60_000);
      // The cart view's own request (with a bearer header), so request size and parsing match.
      const request = graphqlRequest(CART_VIEW, {}, 'floor.floor.floor');
      const row = await measureLoad(
        { mode: 'closed', origin: `http://127.0.0.1:${port}`, connections: clients, durationMs, warmupMs, pool: [request] },
        { label, watched: [{ name: 'floor-server', pid: server.pid }], services: ['floor-server'], subgraphs: [], gateway: '', env: ctx.env },
      );
      rows.push(row);
    } finally {
      server.close(); // it deletes its Redis key and exits; killed if it has not within 5 s
      const timer = setTimeout(() => server.kill(), 5_000);
      await server.exited;
      clearTimeout(timer);
    }
  }
  return rows;
}

const notes = (rows: Row[]) => [
  'each floor server is its own process; its CPU per op is in the CPU column',
  `load generator CPU during the floor: ${rows.map((r) => `${r.loadgenCpuPercent?.toFixed(0) ?? 'n/a'} %`).join(', ')} of one core (near 100 % means the generator, not the server, is the limit)`,
];

export const floor: Scenario = {
  name: 'floor',
  title: 'Floor: bare HTTP, and HTTP plus one Redis read',
  main: true,
  needsFleet: false,
  async run(ctx): Promise<ScenarioOutcome> {
    const rows = await measureFloor(ctx);
    [ctx.floor.http, ctx.floor.redis] = rows;
    return { rows, notes: notes(rows), targets: [] };
  },
};

export const floorAgain: Scenario = {
  name: 'floor-again',
  title: 'Floor again, at the end of the run (noise check)',
  main: true,
  needsFleet: false,
  async run(ctx): Promise<ScenarioOutcome> {
    const rows = await measureFloor(ctx);
    const drift = rows.map((row, i) => {
      const first = i === 0 ? ctx.floor.http : ctx.floor.redis;
      return first ? `${row.label}: ${(100 * (row.opsPerSec / first.opsPerSec - 1)).toFixed(1)} % against the start` : `${row.label}: no start figure`;
    });
    return { rows, notes: [...notes(rows), `drift: ${drift.join('; ')} (ratios use the start floor; a large drift means a noisy run)`], targets: [] };
  },
};
