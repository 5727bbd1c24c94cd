/** A cart checkout's goods: the cart's active lines at the expected version, held as regular stock reservations. */
import { checkoutKey } from '../keys.ts';
import { CartVersionMismatch, EmptyCart, OutOfStock } from '../errors.ts';
import type { Goods, GoodsRun } from './index.ts';

function snapshot(run: GoodsRun) {
  if (!run.state.cart) throw new Error(`checkout ${run.row.id} has no cart snapshot`);
  return run.state.cart;
}

const stockLines = (run: GoodsRun) => snapshot(run).lines.map((l) => ({ productId: l.productId, quantity: l.quantity }));

export const cartGoods: Goods = {
  /**
   * The cart at the expected version, with active lines, captured once: it is recorded with the
   * reservation, and every later step and a resumed run use this snapshot.
   */
  async capture(run) {
    if (run.state.cart) return undefined;
    const { cart } = await run.clients.cart.cartForCheckout({ userId: run.row.userId });
    if (cart && cart.version !== run.row.cartVersion) return new CartVersionMismatch(cart.version);
    const lines = cart?.lines.filter((l) => !l.savedForLater) ?? [];
    if (!cart || lines.length === 0) return new EmptyCart();
    run.state.cart = {
      id: cart.id,
      version: cart.version,
      couponCodes: cart.couponCodes,
      lines: lines.map((l) => ({ productId: l.productId, options: l.options, quantity: l.quantity, unitPrice: l.unitPrice, currencyCode: l.currencyCode })),
    };
    return undefined;
  },

  /** Every line or none; a shortage names every short line. The hold's answer names the products for the order lines. */
  async hold(run) {
    const result = await run.clients.product.reserve({ checkoutKey: checkoutKey(run.row), lines: stockLines(run) });
    if (!result.ok) return new OutOfStock(result.shortages);
    if (result.products) run.state.products = Object.fromEntries(result.products.map((p) => [p.productId, { sku: p.sku, name: p.name }]));
    return undefined;
  },

  /**
   * The held stock leaves the warehouse. A reservation that lapsed meanwhile (a saga stalled
   * past its expiry) is taken again; when the stock is gone, the shortage is returned.
   */
  async consume(run) {
    const { product } = run.clients;
    const key = checkoutKey(run.row);
    let result = await product.consume({ checkoutKey: key });
    if (!result.ok && (result.status === 'EXPIRED' || result.status === 'RELEASED')) {
      const again = await product.reserve({ checkoutKey: key, lines: stockLines(run) });
      if (!again.ok) return new OutOfStock(again.shortages);
      result = await product.consume({ checkoutKey: key });
    }
    if (!result.ok) throw new Error(`checkout ${run.row.id}: its reservation cannot be consumed (${result.status})`);
    return undefined;
  },

  /** Empty the cart, if it is still as checkout read it; a cart changed meanwhile keeps its lines. */
  async afterOrder(run) {
    const result = await run.clients.cart.markCheckedOut({ userId: run.row.userId, expectedVersion: snapshot(run).version, checkoutId: run.row.id });
    if (!result.ok) run.ctx.logger.warn({ checkoutId: run.row.id, currentVersion: result.currentVersion }, 'cart changed during checkout; it keeps its lines');
  },

  async release(run) {
    await run.clients.product.release({ checkoutKey: checkoutKey(run.row) });
  },

  async restock(clients, checkout) {
    const restock = await clients.product.restock({ checkoutKey: checkoutKey(checkout) });
    if (!restock.ok) throw new Error(`checkout ${checkout.id}: its stock cannot be returned (reservations are ${restock.status})`);
  },
};
