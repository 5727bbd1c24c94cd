/** Serves the cart subgraph's internal operations (`contract/internal.ts`) for the checkout saga. */
import { refuse, serveContract, type InternalOperation } from '@platform/server';
import { cartContract } from './contract/internal.ts';
import { serviceContext, type ContextDeps } from './request-context.ts';
import type { CartServices } from './services/index.ts';
import { VersionConflict } from './services/errors.ts';

export function internalOperations(deps: ContextDeps, services: CartServices): Record<string, InternalOperation> {
  const asUser = (caller: string, userId: string) => serviceContext(deps, caller, { ownerType: 'USER', ownerId: userId });
  return serveContract(cartContract, {
    async cartForCheckout({ userId }, caller) {
      return { cart: await services.carts.forCheckout(asUser(caller.service, userId)) };
    },
    async markCheckedOut({ userId, expectedVersion, checkoutId }, caller) {
      const result = await services.carts.checkOut(asUser(caller.service, userId), { expectedVersion, checkoutId });
      if (result instanceof VersionConflict) return { ok: false as const, currentVersion: result.currentVersion };
      if (!('version' in result)) refuse(cartContract, 'markCheckedOut', 'IDEMPOTENCY_KEY_REUSED', result.message);
      return { ok: true as const, version: result.version };
    },
  });
}
