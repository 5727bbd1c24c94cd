/**
 * A TCP proxy in front of a real service (Redis, a subgraph), so one test can take it down and
 * bring it back without stopping what other test files use, or freeze it: connections are
 * accepted and bytes are held, never answered, like a SIGSTOPped process, until it is thawed
 * (then the held bytes flow, as after SIGCONT). Connections stay real.
 */
import net from 'node:net';
import type { AddressInfo } from 'node:net';

export interface TcpProxy {
  port: number;
  url(scheme: string, path?: string): string;
  /** Drops every connection and refuses new ones, like a crashed server. */
  down(): Promise<void>;
  /** Accepts connections again. */
  up(): Promise<void>;
  /** Holds every byte in both directions (new connections too), like a stopped process. */
  freeze(): void;
  /** Lets the held bytes and new ones flow again. */
  thaw(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const sockets = new Set<net.Socket>();
  const pairs = new Set<[net.Socket, net.Socket]>();
  let frozen = false;
  let port = 0;
  const flow = ([client, upstream]: [net.Socket, net.Socket]) => {
    client.pipe(upstream).pipe(client);
    client.resume();
    upstream.resume();
  };
  const hold = ([client, upstream]: [net.Socket, net.Socket]) => {
    client.unpipe(upstream);
    upstream.unpipe(client);
    client.pause();
    upstream.pause();
  };
  const server = net.createServer((client) => {
    const upstream = net.connect(target.port, target.host);
    const pair: [net.Socket, net.Socket] = [client, upstream];
    pairs.add(pair);
    for (const s of pair) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => s.destroy());
    }
    if (frozen) hold(pair);
    else flow(pair);
    client.on('close', () => (upstream.destroy(), pairs.delete(pair)));
    upstream.on('close', () => client.destroy());
  });
  const listen = () => new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
  await listen();
  port = (server.address() as AddressInfo).port;
  const stop = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
  return {
    port,
    url: (scheme, path = '') => `${scheme}://127.0.0.1:${port}${path}`,
    down: stop,
    up: listen,
    freeze() {
      frozen = true;
      for (const pair of pairs) hold(pair);
    },
    thaw() {
      frozen = false;
      for (const pair of pairs) flow(pair);
    },
    close: () => (server.listening ? stop() : Promise.resolve()),
  };
}
