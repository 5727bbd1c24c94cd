/**
 * Resolves cart selections through the gateway's own Apollo Server (the supergraph query plan,
 * signed identity forwarding, error masking and query limits all apply), as the subscriber.
 * Identical reads in flight at once (same owner, selection and cart version: the devices of
 * one user that subscribed with the same document) share one execution.
 */
import type { ApolloServer } from '@apollo/server';
import type { GraphQLFormattedError } from 'graphql';
import type { Identity } from '@platform/auth';
import type { GatewayContext } from '../datasource.ts';
import { ownerKeyOf } from './messages.ts';

export interface CartRead {
  data: Record<string, unknown> | null;
  /** Already masked by the gateway's `formatError`. */
  errors: readonly GraphQLFormattedError[];
}

/** Where a device starts: the owner's cart and its version, `null` when the owner has none yet. */
export type Baseline = { cartId: string; version: number } | null;

const BASELINE_QUERY = 'query CartUpdatedBaseline { cart { id version } }';

export class CartReader {
  private readonly inflight = new Map<string, Promise<CartRead>>();

  constructor(
    private readonly apollo: ApolloServer<GatewayContext>,
    private readonly onExecute: () => void = () => undefined,
  ) {}

  /** Runs `query` as `identity`; `at` names the cart version the read is for (it keys sharing). */
  read(identity: Identity, query: { text: string; variables: Record<string, unknown> }, at: string): Promise<CartRead> {
    const key = [ownerKeyOf(identity), identity.kind === 'user' ? identity.role : '', at, query.text, JSON.stringify(query.variables)].join('\n');
    let read = this.inflight.get(key);
    if (!read) {
      read = this.execute(identity, query.text, query.variables).finally(() => this.inflight.delete(key));
      this.inflight.set(key, read);
    }
    return read;
  }

  /** The owner's current cart version; `undefined` when it cannot be read right now. */
  async baseline(identity: Identity): Promise<Baseline | undefined> {
    const { data, errors } = await this.execute(identity, BASELINE_QUERY, {});
    if (errors.length || !data) return undefined;
    const cart = data.cart as { id: string; version: number } | null;
    return cart ? { cartId: cart.id, version: cart.version } : null;
  }

  private async execute(identity: Identity, query: string, variables: Record<string, unknown>): Promise<CartRead> {
    this.onExecute();
    const response = await this.apollo.executeOperation<Record<string, unknown>>({ query, variables }, { contextValue: { identity } });
    if (response.body.kind !== 'single') return { data: null, errors: [{ message: 'Unexpected incremental result.', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] };
    return { data: response.body.singleResult.data ?? null, errors: response.body.singleResult.errors ?? [] };
  }
}
