/**
 * The part of autocannon 9 the load generator uses. Written here because `@types/autocannon`
 * describes version 7 and gets the instance's `response` event wrong: autocannon 9 emits
 * `(client, statusCode, resBytes, responseTimeMs)` (lib/run.js).
 */
declare module 'autocannon' {
  import type { EventEmitter } from 'node:events';

  namespace autocannon {
    interface Request {
      method?: 'GET' | 'POST';
      path?: string;
      headers?: Record<string, string>;
      body?: string;
      /** Called before each send (when present): returns the request to send; `context` is per connection. */
      setupRequest?: (request: Request, context: Record<string, unknown>) => Request;
      /** Called with every response's status and whole body. */
      onResponse?: (status: number, body: string, context: Record<string, unknown>) => void;
    }

    interface Options {
      url: string;
      connections?: number;
      /** Seconds (fractions allowed). */
      duration?: number;
      amount?: number;
      /** Seconds before a request counts as a timeout. */
      timeout?: number;
      pipelining?: number;
      requests?: Request[];
    }

    interface Result {
      duration: number;
      /** Connection errors, timeouts included. */
      errors: number;
      timeouts: number;
      non2xx: number;
    }

    interface Instance extends EventEmitter {
      on(event: 'response', listener: (client: unknown, statusCode: number, resBytes: number, responseTimeMs: number) => void): this;
      stop(): void;
    }
  }

  function autocannon(options: autocannon.Options, callback: (error: Error | null, result: autocannon.Result) => void): autocannon.Instance;
  export default autocannon;
}
