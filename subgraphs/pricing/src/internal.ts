/** Serves the pricing subgraph's internal operations (`contract/index.ts`) for cart and order. */
import { refuse, serveContract, type InternalOperation } from '@platform/server';
import { pricingContract } from './contract/index.ts';
import { serviceContext, type ContextDeps } from './request-context.ts';
import type { PricingServices } from './services/index.ts';

export function internalOperations(deps: ContextDeps, { prices, coupons, costs }: PricingServices): Record<string, InternalOperation> {
  const ctx = (caller: string) => serviceContext(deps, caller);
  return serveContract(pricingContract, {
    prices: async ({ productIds }, caller) => ({ items: await prices.prices(ctx(caller.service), productIds) }),
    validateCoupon: (input, caller) => coupons.validate(ctx(caller.service), input),
    countries: (_input, caller) => costs.countries(ctx(caller.service)),
    validateCountry: ({ country }, caller) => costs.validateCountry(ctx(caller.service), country),
    async quote(input, caller) {
      const result = await costs.quote(ctx(caller.service), input);
      if (!result.ok) refuse(pricingContract, 'quote', 'UNKNOWN_COUNTRY', `the store does not ship to ${result.unknownCountry}`);
      return result.cost;
    },
    redeemCoupons: (input, caller) => coupons.redeem(ctx(caller.service), input),
    reverseRedemptions: (input, caller) => coupons.reverse(ctx(caller.service), input),
  });
}
