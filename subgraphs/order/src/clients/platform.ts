/**
 * What checkout asks the other subgraphs over their internal operations: the cart (read it,
 * mark it checked out), the product subgraph (reservations, snapshots) and pricing (countries,
 * the final quote, coupon redemptions). All go through the platform's one internal client.
 */
import { createInternalClient, InternalCallError } from '@platform/auth';

export interface CheckoutCartLine {
  id: string;
  productId: string;
  options: Record<string, string> | null;
  quantity: number;
  /** Captured unit price, exact decimal string. */
  unitPrice: string;
  currencyCode: string;
  savedForLater: boolean;
}

export interface CheckoutCart {
  id: string;
  version: number;
  couponCodes: string[];
  shippingCountry: string | null;
  lines: CheckoutCartLine[];
}

export type MarkCheckedOutResult = { ok: true; version: number } | { ok: false; currentVersion: number };

export interface StockLine {
  productId: string;
  quantity: number;
}
export interface Shortage {
  productId: string;
  requested: number;
  available: number;
}
export type ReserveResult = { ok: true; expiresAt: string } | { ok: false; shortages: Shortage[] };
/** After consume, release or restock: `ok` when the key is in the state asked for; `status` is the reservations' status. */
export interface KeyResult {
  ok: boolean;
  status: string;
}
export interface ProductSnapshot {
  productId: string;
  sku: string;
  name: string;
}

export interface MoneyWire {
  amount: string;
  currencyCode: string;
}
export interface Quote {
  subtotal: MoneyWire;
  discounts: { code: string; description: string; amount: MoneyWire }[];
  discountTotal: MoneyWire;
  shipping: MoneyWire;
  taxRate: string;
  tax: MoneyWire;
  total: MoneyWire;
  invalidCoupons: { code: string; reason: string }[];
}
export type RedeemResult = { ok: true } | { ok: false; failed: { code: string; reason: string; message?: string }[] };

export interface PlatformClients {
  cart: {
    /** The user's cart from Postgres (never a cache); null when the user has none. */
    forCheckout(userId: string): Promise<CheckoutCart | null>;
    /** Empties the cart if it is still at `expectedVersion`; idempotent per checkout id. */
    markCheckedOut(userId: string, expectedVersion: number, checkoutId: string): Promise<MarkCheckedOutResult>;
  };
  product: {
    reserve(checkoutKey: string, lines: StockLine[]): Promise<ReserveResult>;
    consume(checkoutKey: string): Promise<KeyResult>;
    release(checkoutKey: string): Promise<KeyResult>;
    restock(checkoutKey: string): Promise<KeyResult>;
    /** Sku and name of each product that exists. */
    snapshots(productIds: string[]): Promise<Map<string, ProductSnapshot>>;
  };
  pricing: {
    /** Whether the store ships to `country` (tax and shipping rows exist). */
    shipsTo(country: string): Promise<boolean>;
    /** The final cost from captured prices; null when the store does not ship to the country. */
    quote(input: { lines: { productId: string; quantity: number; unitPrice: string }[]; couponCodes: string[]; shippingCountry: string }): Promise<Quote | null>;
    redeemCoupons(checkoutKey: string, codes: string[], subtotal: string): Promise<RedeemResult>;
    reverseRedemptions(checkoutKey: string): Promise<void>;
  };
  close(): Promise<void>;
}

export interface PlatformClientSettings {
  cartUrl: string;
  productUrl: string;
  pricingUrl: string;
  secret: string;
  timeoutMs: number;
}

export function createPlatformClients(settings: PlatformClientSettings): PlatformClients {
  const client = (baseUrl: string) => createInternalClient({ baseUrl, secret: settings.secret, caller: 'order', timeoutMs: settings.timeoutMs });
  const cart = client(settings.cartUrl);
  const product = client(settings.productUrl);
  const pricing = client(settings.pricingUrl);
  return {
    cart: {
      forCheckout: async (userId) => (await cart.call<{ cart: CheckoutCart | null }>('cartForCheckout', { userId })).cart,
      markCheckedOut: (userId, expectedVersion, checkoutId) => cart.call<MarkCheckedOutResult>('markCheckedOut', { userId, expectedVersion, checkoutId }),
    },
    product: {
      reserve: (checkoutKey, lines) => product.call<ReserveResult>('reserve', { checkoutKey, lines }),
      consume: (checkoutKey) => product.call<KeyResult>('consume', { checkoutKey }),
      release: (checkoutKey) => product.call<KeyResult>('release', { checkoutKey }),
      restock: (checkoutKey) => product.call<KeyResult>('restock', { checkoutKey }),
      async snapshots(productIds) {
        const { items } = await product.call<{ items: ProductSnapshot[] }>('products', { productIds: [...new Set(productIds)] });
        return new Map(items.map((i) => [i.productId, i]));
      },
    },
    pricing: {
      shipsTo: async (country) => (await pricing.call<{ valid: boolean }>('validateCountry', { country })).valid,
      async quote(input) {
        try {
          return await pricing.call<Quote>('quote', input);
        } catch (error) {
          if (error instanceof InternalCallError && error.code === 'UNKNOWN_COUNTRY') return null;
          throw error;
        }
      },
      redeemCoupons: (checkoutKey, codes, subtotal) => pricing.call<RedeemResult>('redeemCoupons', { checkoutKey, codes, subtotal }),
      async reverseRedemptions(checkoutKey) {
        await pricing.call('reverseRedemptions', { checkoutKey });
      },
    },
    async close() {
      await Promise.all([cart.close(), product.close(), pricing.close()]);
    },
  };
}
