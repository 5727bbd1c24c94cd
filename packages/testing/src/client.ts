/**
 * Sends GraphQL to the gateway as a particular caller: anonymous, a user (a real signed JWT),
 * an admin, or a guest (a token from `startGuestSession`). Typed documents give typed results.
 */
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print, type DocumentNode } from 'graphql';
import { signUserToken } from '@platform/auth';

export type Caller = { anonymous: true } | { user: string; role?: 'admin' | 'customer'; email?: string; expiresInSeconds?: number } | { guest: string } | { headers: Record<string, string> };

export interface GraphQLResponse<T> {
  status: number;
  data?: T | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
}

export interface TestClient {
  /** Sends an operation and returns the HTTP status and the parsed GraphQL response. */
  request<T = Record<string, unknown>, V = Record<string, unknown>>(document: TypedDocumentNode<T, V> | DocumentNode | string, variables?: V, as?: Caller): Promise<GraphQLResponse<T>>;
  /** Like `request`, but fails the test on any GraphQL error and returns `data`. */
  data<T = Record<string, unknown>, V = Record<string, unknown>>(document: TypedDocumentNode<T, V> | DocumentNode | string, variables?: V, as?: Caller): Promise<T>;
  /** A user JWT signed with the stack's secret. */
  userToken(userId: string, options?: { role?: 'admin' | 'customer'; email?: string; expiresInSeconds?: number; now?: Date }): Promise<string>;
  /** Starts a guest session and returns its token. */
  guestToken(): Promise<string>;
  url: string;
}

export interface ClientOptions {
  /** Ask again this many times when the gateway sheds the request (HTTP 503), after its `Retry-After` (bench set-up on a loaded machine). */
  retriesWhenShed?: number;
}

export function createClient(url: string, jwtSecret: string, options: ClientOptions = {}): TestClient {
  const userToken: TestClient['userToken'] = (userId, options = {}) => signUserToken(jwtSecret, { userId, ...options });
  async function headersFor(as: Caller | undefined): Promise<Record<string, string>> {
    if (!as || 'anonymous' in as) return {};
    if ('headers' in as) return as.headers;
    if ('guest' in as) return { 'x-guest-token': as.guest };
    const options: { role?: 'admin' | 'customer'; email?: string; expiresInSeconds?: number } = {};
    if (as.role) options.role = as.role;
    if (as.email) options.email = as.email;
    if (as.expiresInSeconds !== undefined) options.expiresInSeconds = as.expiresInSeconds;
    return { authorization: `Bearer ${await userToken(as.user, options)}` };
  }
  const request: TestClient['request'] = async (document, variables, as) => {
    const init = { method: 'POST', headers: { 'content-type': 'application/json', ...(await headersFor(as)) }, body: JSON.stringify({ query: typeof document === 'string' ? document : print(document), variables }) };
    let response = await fetch(url, init);
    for (let retry = 0; response.status === 503 && retry < (options.retriesWhenShed ?? 0); retry++) {
      await response.text();
      await new Promise((resolve) => setTimeout(resolve, 1000 * Number(response.headers.get('retry-after') ?? 1)));
      response = await fetch(url, init);
    }
    const text = await response.text();
    let body: Omit<GraphQLResponse<never>, 'status'>;
    try {
      body = JSON.parse(text);
    } catch {
      throw new Error(`gateway answered ${response.status} with a non-JSON body: ${text.slice(0, 200)}`);
    }
    return { status: response.status, ...body } as GraphQLResponse<never>;
  };
  return {
    url,
    request,
    userToken,
    async data(document, variables, as) {
      const result = await request(document, variables, as);
      if (result.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(result.errors)}`);
      return result.data as never;
    },
    async guestToken() {
      const result = await request<{ startGuestSession: { token: string } }>('mutation { startGuestSession { token } }');
      if (!result.data) throw new Error(`startGuestSession failed: ${JSON.stringify(result.errors)}`);
      return result.data.startGuestSession.token;
    },
  };
}
