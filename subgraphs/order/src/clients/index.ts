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
  const pricing = knownCountriesRemembered(pricingClient({ baseUrl: settings.pricingUrl, ...common, breaker: breakers.for('pricing') }));
  return { cart, product, flash, pricing, close: async () => void (await Promise.all([cart.close(), product.close(), flash.close(), pricing.close()])) };
}

/** How long a country pricing said it ships to is taken as still shipped to without asking again. */
export const KNOWN_COUNTRY_TTL_MS = 60_000;

/**
 * Remembers, for a minute, the countries pricing said it ships to, so a checkout's address check
 * asks pricing once a minute per country rather than once per checkout. Only a yes is remembered:
 * a country added to the tables is accepted at once, and one removed meanwhile is still refused by
 * the quote (UNKNOWN_COUNTRY, the same InvalidAddress), before anything is charged.
 */
function knownCountriesRemembered(pricing: PricingClient, now: () => number = Date.now): PricingClient {
  type Answer = Awaited<ReturnType<PricingClient['validateCountry']>>;
  const known = new Map<string, { answer: Answer; until: number }>();
  const validateCountry: PricingClient['validateCountry'] = async (input, options) => {
    const code = input.country.trim().toUpperCase();
    const remembered = known.get(code);
    if (remembered && remembered.until > now()) return remembered.answer;
    const answer = await pricing.validateCountry(input, options);
    if (answer.valid) known.set(code, { answer, until: now() + KNOWN_COUNTRY_TTL_MS });
    else known.delete(code);
    return answer;
  };
  return { ...pricing, validateCountry };
}
