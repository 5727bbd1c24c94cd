/** The cache tags of pricing's data (see `@platform/redis` tags): bumped by every writer, noted by every reader. */

/** A product's current price (defined by the contract: callers remember prices under it). */
export { priceTag } from '../contract/index.ts';
/** A coupon (its rule and its redemption count). */
export const couponTag = (code: string): string => `coupon:${code}`;
/** The tax and shipping tables. */
export const RATES_TAG = 'rates';
