/**
 * Internal operations between subgraphs, defined once by the subgraph that serves them. A
 * contract names each operation with the zod schema of its input and of its answer; the callee
 * serves it with `serveContract` (every body validated against the input schema, one error
 * shape for all) and the caller calls it through `createContractClient`, whose methods are typed
 * from the same schemas and whose answers are validated before they are returned. Neither side
 * can drift from the other without the compiler (or, across a deploy, the first call) saying so.
 *
 * A contract module holds schemas and types only: subgraphs share no behaviour through it.
 */
import type { z } from '@platform/config';
import type { Identity } from '@platform/auth';
import { HttpError } from './http.ts';
import { unstorablePath } from './unstorable.ts';
import { createInternalClient, InternalCallError, type InternalClientOptions } from './internal-client.ts';

/** One internal operation: what the caller sends and what the callee answers. */
export interface OperationSpec<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  input: I;
  output: O;
  /**
   * Expected refusals the callee answers with instead of an output (an HTTP status with a code),
   * e.g. `{ UNKNOWN_COUNTRY: 422 }`. A caller tells them apart with `isRefusal`.
   */
  refusals?: Readonly<Record<string, number>>;
  /** A write: a signed request for it is accepted once (replayed nonces are refused). */
  write?: boolean;
}

export type ContractSpec = Record<string, OperationSpec>;

export interface Contract<S extends ContractSpec> {
  /** The serving subgraph's name. */
  service: string;
  operations: S;
}

/** Declares the internal operations a subgraph serves. */
export function defineContract<S extends ContractSpec>(service: string, operations: S): Contract<S> {
  return { service, operations };
}

/** What a caller sends to `op`. */
export type InputOf<O extends OperationSpec> = z.input<O['input']>;
/** What a handler of `op` receives, after validation. */
export type ParsedInputOf<O extends OperationSpec> = z.output<O['input']>;
/** What a caller receives from `op`, after validation. */
export type OutputOf<O extends OperationSpec> = z.output<O['output']>;

export type ServiceCaller = Extract<Identity, { kind: 'service' }>;

/** The callee's implementation of a contract: one handler per operation. */
export type Handlers<S extends ContractSpec> = {
  [K in keyof S]: (input: ParsedInputOf<S[K]>, caller: ServiceCaller) => Promise<z.input<S[K]['output']>>;
};

/** An internal operation as the HTTP front serves it: JSON in, JSON out; `write` ones refuse replays. */
export type InternalOperation = ((body: unknown, caller: ServiceCaller) => Promise<unknown>) & { write?: boolean };

export interface CallOptions {
  timeoutMs?: number;
}

/** The caller's view of a contract: one typed, validated method per operation. */
export type ContractClient<S extends ContractSpec> = {
  [K in keyof S]: (input: InputOf<S[K]>, options?: CallOptions) => Promise<OutputOf<S[K]>>;
} & { close(): Promise<void> };

/**
 * Validates `body` against `schema`; otherwise a 400 `BAD_REQUEST` naming the first offending
 * field ("invalid request: lines.0.quantity: Too big ..."). The one parser of internal input.
 */
export function parseInput<T extends z.ZodType>(schema: T, body: unknown): z.output<T> {
  const unstorable = unstorablePath(body, 'body');
  if (unstorable) throw new HttpError(400, `invalid request: ${unstorable}: holds a NUL character or an unpaired surrogate`, 'BAD_REQUEST');
  const parsed = schema.safeParse(body ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue?.path.length ? issue.path.join('.') : 'body';
  throw new HttpError(400, `invalid request: ${where}: ${issue?.message ?? 'is invalid'}`, 'BAD_REQUEST');
}

/** The routes of a contract: each validates its body, then runs its handler. */
export function serveContract<S extends ContractSpec>(contract: Contract<S>, handlers: Handlers<S>): Record<string, InternalOperation> {
  const routes: Record<string, InternalOperation> = {};
  for (const name of Object.keys(contract.operations) as (keyof S & string)[]) {
    const handler = handlers[name];
    const input = contract.operations[name]!.input;
    const route: InternalOperation = (body, caller) => handler(parseInput(input, body) as ParsedInputOf<S[typeof name]>, caller);
    route.write = contract.operations[name]!.write === true;
    routes[name] = route;
  }
  return routes;
}

/** Throws an `HttpError` for one of an operation's declared refusals (status from the contract). */
export function refuse<S extends ContractSpec, K extends keyof S>(contract: Contract<S>, operation: K, code: keyof NonNullable<S[K]['refusals']> & string, message: string): never {
  const status = contract.operations[operation]?.refusals?.[code];
  if (status === undefined) throw new Error(`${String(operation)} declares no refusal ${code}`);
  throw new HttpError(status, message, code);
}

/** True when `error` is the callee's declared refusal `code` of a call. */
export function isRefusal(error: unknown, code: string): error is InternalCallError {
  return error instanceof InternalCallError && error.code === code;
}

/**
 * A client for `contract` at `baseUrl`: every answer is checked against the operation's output
 * schema, and one that does not match is an `InternalCallError` (`CONTRACT_VIOLATION`), never a
 * value of the wrong shape.
 */
export function createContractClient<S extends ContractSpec>(contract: Contract<S>, options: Omit<InternalClientOptions, 'service'>): ContractClient<S> {
  const http = createInternalClient({ ...options, service: contract.service });
  const client: Record<string, unknown> = { close: () => http.close() };
  for (const [name, spec] of Object.entries(contract.operations)) {
    client[name] = async (input: unknown, callOptions?: CallOptions) => {
      const answer = await http.post(name, input, callOptions);
      const parsed = spec.output.safeParse(answer);
      if (parsed.success) return parsed.data;
      const issue = parsed.error.issues[0];
      throw new InternalCallError(name, 200, `${contract.service}.${name} answered outside its contract (${issue?.path.join('.') || 'body'}: ${issue?.message})`, 'CONTRACT_VIOLATION');
    };
  }
  return client as ContractClient<S>;
}
