/**
 * A partner's webhook endpoint for tests: a real HTTP server on a free port that records every
 * request (headers, raw body, when) and answers as the test tells it (status, delay).
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  headers: IncomingHttpHeaders;
  body: string;
  /** When the request arrived and when it was answered (ms since epoch). */
  at: number;
  answeredAt: number;
  status: number;
}

export interface Answer {
  status: number;
  delayMs?: number;
}

export interface WebhookReceiver {
  url: string;
  requests: ReceivedRequest[];
  /** The `webhook-id`s of requests answered 2xx, in the order they were answered. */
  acknowledged(): string[];
  close(): Promise<void>;
}

/** Starts an endpoint; `answer` decides the reply to the n-th request (0-based). Default: 200 at once. */
export async function startWebhookReceiver(answer: (n: number, body: string) => Answer = () => ({ status: 200 })): Promise<WebhookReceiver> {
  const requests: ReceivedRequest[] = [];
  let count = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const at = Date.now();
      const body = Buffer.concat(chunks).toString('utf8');
      const reply = answer(count++, body);
      const send = () => {
        if (res.destroyed) return;
        res.writeHead(reply.status, { 'content-type': 'text/plain' }).end('ok');
        requests.push({ headers: req.headers, body, at, answeredAt: Date.now(), status: reply.status });
      };
      if (reply.delayMs) setTimeout(send, reply.delayMs);
      else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    requests,
    acknowledged: () => requests.filter((r) => r.status >= 200 && r.status < 300).map((r) => String(r.headers['webhook-id'])),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
