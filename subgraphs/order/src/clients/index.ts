/** The internal operations checkout calls, through the clients their subgraphs define: cart, product (stock and flash-sale pools) and pricing. */
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

export function createPlatformClients(settings: { cartUrl: string; productUrl: string; pricingUrl: string; secret: string; timeoutMs: number }): PlatformClients {
  const common = { secret: settings.secret, caller: 'order', timeoutMs: settings.timeoutMs };
  const cart = cartClient({ baseUrl: settings.cartUrl, ...common });
  const product = productClient({ baseUrl: settings.productUrl, ...common });
  const flash = flashSaleClient({ baseUrl: settings.productUrl, ...common });
  const pricing = pricingClient({ baseUrl: settings.pricingUrl, ...common });
  return { cart, product, flash, pricing, close: async () => void (await Promise.all([cart.close(), product.close(), flash.close(), pricing.close()])) };
}
