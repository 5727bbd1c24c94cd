/** The full cost of the cart as the pricing subgraph states it: what checkout will charge. */
import type { LiveCart } from '@cart-platform/sdk';
import { formatMoney, formatRate } from '../money.ts';

export function CostBreakdown({ cost }: { cost: LiveCart['cost'] }) {
  return (
    <dl className="cost" data-testid="cost">
      <dt>Subtotal</dt>
      <dd data-testid="cost-subtotal">{formatMoney(cost.subtotal)}</dd>
      {cost.discounts.map((d) => (
        <div key={d.code} className="row">
          <dt>
            Discount {d.code} <span className="muted">({d.description})</span>
          </dt>
          <dd data-testid={`cost-discount-${d.code}`}>−{formatMoney(d.amount)}</dd>
        </div>
      ))}
      <dt>Shipping to {cost.country}</dt>
      <dd data-testid="cost-shipping">{formatMoney(cost.shipping)}</dd>
      <dt>Tax ({formatRate(cost.taxRate)})</dt>
      <dd data-testid="cost-tax">{formatMoney(cost.tax)}</dd>
      <dt className="total">Total</dt>
      <dd className="total" data-testid="cost-total">
        {formatMoney(cost.total)}
      </dd>
      {cost.amountToFreeShipping && cost.amountToFreeShipping.amount !== '0.00' && (
        <p className="muted" data-testid="free-shipping-hint">
          Add {formatMoney(cost.amountToFreeShipping)} more for free shipping.
        </p>
      )}
      {cost.invalidCoupons.map((c) => (
        <p key={c.code} className="warning" data-testid="invalid-coupon">
          Coupon {c.code} does not apply: {c.message}
        </p>
      ))}
    </dl>
  );
}
