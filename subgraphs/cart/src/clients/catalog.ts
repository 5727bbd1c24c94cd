/**
 * What the cart asks other subgraphs over internal calls: soft availability (product) and
 * current prices (pricing). Both go through the platform's one internal HTTP client.
 */
import { createInternalClient, type InternalClient } from '@platform/auth';

export interface Availability {
  productId: string;
  exists: boolean;
  availableQuantity: number;
}
export interface CurrentPrice {
  productId: string;
  amount: string;
  currencyCode: string;
}

export type CouponCheck = { valid: true; code: string } | { valid: false; code: string; reason: string };

export interface CatalogClient {
  availability(productIds: string[]): Promise<Map<string, Availability>>;
  prices(productIds: string[]): Promise<Map<string, CurrentPrice>>;
  /** Asks pricing whether a coupon applies to a cart with this subtotal. */
  validateCoupon(code: string, subtotal: string): Promise<CouponCheck>;
  /** Countries the store ships to (those with tax and shipping rows). */
  countries(): Promise<string[]>;
  close(): Promise<void>;
}

export function createCatalogClient(settings: { productUrl: string; pricingUrl: string; secret: string; timeoutMs: number }): CatalogClient {
  const product: InternalClient = createInternalClient({ baseUrl: settings.productUrl, secret: settings.secret, caller: 'cart', timeoutMs: settings.timeoutMs });
  const pricing: InternalClient = createInternalClient({ baseUrl: settings.pricingUrl, secret: settings.secret, caller: 'cart', timeoutMs: settings.timeoutMs });
  return {
    async availability(productIds) {
      const { items } = await product.call<{ items: Availability[] }>('availability', { productIds });
      return new Map(items.map((i) => [i.productId, i]));
    },
    async prices(productIds) {
      const { items } = await pricing.call<{ items: CurrentPrice[] }>('prices', { productIds });
      return new Map(items.map((i) => [i.productId, i]));
    },
    validateCoupon: (code, subtotal) => pricing.call<CouponCheck>('validateCoupon', { code, subtotal }),
    async countries() {
      const { countries } = await pricing.call<{ countries: { code: string }[] }>('countries', {});
      return countries.map((c) => c.code).sort();
    },
    async close() {
      await Promise.all([product.close(), pricing.close()]);
    },
  };
}
