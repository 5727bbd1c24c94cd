/**
 * The cart page's changes as the shopper means them. Each goes through the SDK (an idempotency
 * key per change), and the result union becomes either the cart (then the screen refreshes, if
 * the live update has not already done so) or a sentence a shopper understands.
 */
import type { CartClient, LiveCart, ResultOf } from '@cart-platform/sdk';

type CartResult = ResultOf<'addCartLine'>['addCartLine'];

/** What went wrong, in words; undefined when the result is the cart. */
export function describeCartResult(result: CartResult): string | undefined {
  switch (result.__typename) {
    case 'Cart':
      return undefined;
    case 'InsufficientStock':
      return `Only ${result.availableQuantity} left in stock.`;
    case 'VersionConflict':
      return 'Your cart was changed on another device; this is the latest version.';
    case 'InvalidCoupon':
      return `Coupon ${result.couponCode}: ${result.message}`;
    case 'InvalidCountry':
      return `${result.message} We ship to ${result.supportedCountries.join(', ')}.`;
    default:
      return result.message;
  }
}

export interface CartActions {
  add(productId: string, quantity?: number): Promise<string | undefined>;
  setQuantity(line: LiveCart['lines'][number], quantity: number): Promise<string | undefined>;
  remove(lineId: string): Promise<string | undefined>;
  saveForLater(lineId: string): Promise<string | undefined>;
  moveToCart(lineId: string): Promise<string | undefined>;
  applyCoupon(code: string): Promise<string | undefined>;
  removeCoupon(code: string): Promise<string | undefined>;
  setCountry(country: string): Promise<string | undefined>;
}

/** Actions on `client`'s cart; each resolves with an error sentence, or undefined when it worked. */
export function cartActions(client: CartClient, cart: () => LiveCart | null | undefined, refresh: () => Promise<void>): CartActions {
  // One change at a time, in the order the shopper made them, each knowing the version the one
  // before produced: the shopper's own quick changes never conflict with each other.
  let queue: Promise<unknown> = Promise.resolve();
  let ownVersion: { cartId: string; version: number } | undefined;
  const run = (change: (expectedVersion: number | undefined) => Promise<CartResult>): Promise<string | undefined> => {
    const next = queue.then(async () => {
      const shown = cart();
      const expectedVersion = shown && ownVersion?.cartId === shown.id ? Math.max(shown.version, ownVersion.version) : shown?.version;
      const result = await change(expectedVersion);
      if (result.__typename === 'Cart') ownVersion = { cartId: result.id, version: result.version };
      await refresh(); // after a VersionConflict too: show what the other device did
      return describeCartResult(result);
    });
    queue = next.catch(() => undefined);
    return next;
  };
  // Quantity changes carry the version they were decided on: a change made on another device
  // meanwhile is not overwritten (VersionConflict, and the page shows the newer cart).
  return {
    add: (productId, quantity = 1) => run(async () => (await client.addCartLine({ input: { productId, quantity } })).addCartLine),
    setQuantity: (line, quantity) => run(async (expectedVersion) => (await client.updateCartLine({ input: { lineId: line.id, quantity, expectedVersion } })).updateCartLine),
    remove: (lineId) => run(async () => (await client.removeCartLine({ input: { lineId } })).removeCartLine),
    saveForLater: (lineId) => run(async () => (await client.saveLineForLater({ input: { lineId } })).saveLineForLater),
    moveToCart: (lineId) => run(async () => (await client.moveSavedLineToCart({ input: { lineId } })).moveSavedLineToCart),
    applyCoupon: (code) => run(async () => (await client.applyCouponCode({ input: { code } })).applyCouponCode),
    removeCoupon: (code) => run(async () => (await client.removeCouponCode({ input: { code } })).removeCouponCode),
    setCountry: (country) => run(async () => (await client.setShippingCountry({ input: { country } })).setShippingCountry),
  };
}
