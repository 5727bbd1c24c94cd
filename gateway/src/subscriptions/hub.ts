/**
 * This instance's devices, by cart owner. Each bus message goes to the streams of its owner on
 * this instance only; the instance keeps nothing another instance needs (every instance hears
 * every message), so devices of one owner may be spread over any number of gateways.
 */
import type { GraphQLSchema } from 'graphql';
import type { Identity } from '@platform/auth';
import type { Logger } from '@platform/logger';
import type { GatewayConfig } from '../config.ts';
import type { CartReader } from './cart-reader.ts';
import { CartSubscription } from './cart-subscription.ts';
import { ownerKey, ownerKeyOf, type CartBusMessage } from './messages.ts';
import type { SubscriptionMetrics } from './metrics.ts';
import type { CartUpdatePlan } from './operation.ts';
import { renderUpdate } from './render.ts';

export class SubscriptionHub {
  private readonly byOwner = new Map<string, Set<CartSubscription>>();

  constructor(
    private readonly deps: {
      schema: () => GraphQLSchema;
      reader: CartReader;
      config: Pick<GatewayConfig, 'WS_ORDER_GAP_WAIT_MS' | 'WS_MAX_BUFFERED_UPDATES'>;
      metrics: SubscriptionMetrics;
      logger: Logger;
    },
  ) {}

  /** Opens `identity`'s stream for `plan`; the caller (graphql-ws) iterates it. */
  open(identity: Identity, plan: CartUpdatePlan): CartSubscription {
    const owner = ownerKeyOf(identity);
    if (!owner) throw new Error('a cart subscription needs a cart owner');
    const { reader, metrics } = this.deps;
    const subscription: CartSubscription = new CartSubscription(owner, {
      baseline: () => reader.baseline(identity),
      render: async (events) => {
        const last = events.at(-1)!;
        // One read for the run: the cart as of (at least) its last version.
        const read = plan.cart ? await reader.read(identity, plan.cart, `${last.cartId}@${last.version}`) : undefined;
        return Promise.all(events.map((event) => renderUpdate(this.deps.schema(), plan, event, read)));
      },
      gapWaitMs: this.deps.config.WS_ORDER_GAP_WAIT_MS,
      maxBuffered: this.deps.config.WS_MAX_BUFFERED_UPDATES,
      metrics,
      logger: this.deps.logger,
      onEnd: () => this.remove(subscription),
    });
    let set = this.byOwner.get(owner);
    if (!set) this.byOwner.set(owner, (set = new Set()));
    set.add(subscription);
    metrics.subscriptionOpened();
    void subscription.start();
    return subscription;
  }

  /** Routes one bus message to this instance's streams of its owner. */
  dispatch(message: CartBusMessage): void {
    this.deps.metrics.received(message.kind);
    const streams = this.byOwner.get(ownerKey(message.ownerType, message.ownerId));
    if (!streams) return;
    if (message.kind === 'event') for (const stream of [...streams]) stream.offer(message);
    // A guest's cart merged into a user's: that guest has no cart any more, and its devices stop
    // listening (cleanly) to subscribe again as the user. A user always has a cart to come.
    else if (message.ownerType === 'GUEST') for (const stream of [...streams]) stream.end();
  }

  /** Live streams on this instance (baseline read, receiving events), of one owner when given. */
  liveCount(owner?: string): number {
    const sets = owner === undefined ? [...this.byOwner.values()] : [this.byOwner.get(owner) ?? new Set<CartSubscription>()];
    let count = 0;
    for (const set of sets) for (const stream of set) if (stream.live) count++;
    return count;
  }

  /** Resolves when every stream has handed over what it had in flight. */
  async whenIdle(): Promise<void> {
    await Promise.all([...this.byOwner.values()].flatMap((set) => [...set].map((stream) => stream.whenIdle())));
  }

  private remove(subscription: CartSubscription): void {
    const set = this.byOwner.get(subscription.ownerKey);
    if (!set?.delete(subscription)) return;
    if (set.size === 0) this.byOwner.delete(subscription.ownerKey);
    this.deps.metrics.subscriptionEnded();
  }
}
