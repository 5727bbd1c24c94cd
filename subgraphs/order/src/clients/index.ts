/** The internal operations checkout calls, through the clients their subgraphs define: cart, product (stock and flash-sale pools) and pricing. */
import type { Breakers } from '@platform/server';
import { cartClient, type CartClient } from '@subgraph/cart/contract';
import { pricingClient, type PricingClient } from '@subgraph/pricing/contract';
import { flashSaleClient, productClient, type FlashSaleClient, type ProductClient } from '@subgraph/product/contract';

export interface PlatformClients {
  cart: CartClient;
  product: ProductClient;
  flash: FlashSaleClient;
  pricing: PricingClient;
  close(): Promise<void>;
}

/** The clients, each behind this service's circuit breaker for its subgraph (stock and flash-sale pools share product's). */
export function createPlatformClients(settings: { cartUrl: string; productUrl: string; pricingUrl: string; secret: string; timeoutMs: number; breakers: Breakers }): PlatformClients {
  const common = { secret: settings.secret, caller: 'order', timeoutMs: settings.timeoutMs };
  const { breakers } = settings;
  const cart = cartClient({ baseUrl: settings.cartUrl, ...common, breaker: breakers.for('cart') });
  const product = productClient({ baseUrl: settings.productUrl, ...common, breaker: breakers.for('product') });
  const flash = flashSaleClient({ baseUrl: settings.productUrl, ...common, breaker: breakers.for('product') });
  const pricing = pricingClient({ baseUrl: settings.pricingUrl, ...common, breaker: breakers.for('pricing') });
  return { cart, product, flash, pricing, close: async () => void (await Promise.all([cart.close(), product.close(), flash.close(), pricing.close()])) };
}
