/**
 * The cart page: lines with captured and current prices (and the price-changed flag), quantity,
 * remove, save for later, coupons, the shipping country and the full cost breakdown. It shows the
 * live cart: a change on another device appears here by itself.
 */
import { useEffect, useState, type FormEvent } from 'react';
import type { CartClient, LiveCart, ResultOf } from '@cart-platform/sdk';
import { CostBreakdown } from '../components/CostBreakdown.tsx';
import type { CartActions } from '../cart-actions.ts';
import { formatMoney } from '../money.ts';

type Line = LiveCart['lines'][number];
type Country = ResultOf<'shippingCountries'>['shippingCountries'][number];

interface Props {
  client: CartClient;
  cart: LiveCart | null | undefined;
  actions: CartActions;
  /** Shows what an action answered (an error sentence) or clears it (undefined). */
  report: (message: string | undefined) => void;
  signedIn: boolean;
}

function QuantityControl({ line, actions, report }: { line: Line; actions: CartActions; report: Props['report'] }) {
  const [value, setValue] = useState(String(line.quantity));
  useEffect(() => setValue(String(line.quantity)), [line.quantity]);
  const set = async (quantity: number) => {
    const problem = await actions.setQuantity(line, quantity);
    if (problem) setValue(String(line.quantity)); // nothing changed: show the quantity that holds
    report(problem);
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const quantity = Number(value);
    if (!Number.isInteger(quantity) || quantity < 1 || quantity > 999) return report('A quantity is a whole number from 1 to 999.');
    if (quantity !== line.quantity) void set(quantity);
  };
  return (
    <form className="quantity" onSubmit={submit}>
      <button type="button" aria-label={`Decrease ${line.product.name}`} disabled={line.quantity <= 1} onClick={() => void set(line.quantity - 1)}>
        −
      </button>
      <input aria-label={`Quantity of ${line.product.name}`} inputMode="numeric" value={value} onChange={(e) => setValue(e.target.value)} onBlur={submit} size={3} />
      <button type="button" aria-label={`Increase ${line.product.name}`} disabled={line.quantity >= 999} onClick={() => void set(line.quantity + 1)}>
        +
      </button>
    </form>
  );
}

export function CartPage({ client, cart, actions, report, signedIn }: Props) {
  const [countries, setCountries] = useState<Country[]>([]);
  const [coupon, setCoupon] = useState('');
  useEffect(() => {
    client.shippingCountries().then(({ shippingCountries }) => setCountries(shippingCountries), () => setCountries([]));
  }, [client]);

  if (cart === undefined) return <p className="muted">Loading your cart…</p>;
  const lines = cart?.lines ?? [];
  const saved = cart?.savedForLater ?? [];
  const applyCoupon = async (event: FormEvent) => {
    event.preventDefault();
    if (!coupon.trim()) return;
    const problem = await actions.applyCoupon(coupon.trim());
    report(problem);
    if (!problem) setCoupon('');
  };

  return (
    <section className="cart-page" data-testid="cart-page">
      <h1>
        Your cart {cart && <span className="muted">(version {cart.version})</span>}
      </h1>
      {lines.length === 0 ? (
        <p data-testid="empty-cart">Your cart is empty.</p>
      ) : (
        <table className="lines">
          <thead>
            <tr>
              <th>Product</th>
              <th>Unit price</th>
              <th>Quantity</th>
              <th>Line total</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {lines.map((line) => (
              <tr key={line.id} data-testid="cart-line">
                <td>
                  <strong data-testid="line-name">{line.product.name}</strong>
                  <div className="muted">{line.product.sku}</div>
                </td>
                <td>
                  <span data-testid="line-unit-price">{formatMoney(line.unitPrice)}</span>
                  {line.priceChanged && (
                    <div className="price-changed" data-testid="price-changed">
                      Price changed: now {formatMoney(line.currentUnitPrice)}. You pay the price you added it at.
                    </div>
                  )}
                </td>
                <td>
                  <QuantityControl line={line} actions={actions} report={report} />
                </td>
                <td data-testid="line-total">{formatMoney(line.lineTotal)}</td>
                <td>
                  <div className="actions">
                    <button onClick={async () => report(await actions.saveForLater(line.id))}>Save for later</button>
                    <button onClick={async () => report(await actions.remove(line.id))}>Remove</button>
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      {saved.length > 0 && (
        <>
          <h2>Saved for later</h2>
          <ul className="saved">
            {saved.map((line) => (
              <li key={line.id} data-testid="saved-line">
                <span data-testid="saved-name">{line.product.name}</span> · {line.quantity} × {formatMoney(line.unitPrice)}
                <button onClick={async () => report(await actions.moveToCart(line.id))}>Move to cart</button>
                <button onClick={async () => report(await actions.remove(line.id))}>Remove</button>
              </li>
            ))}
          </ul>
        </>
      )}

      {cart && (
        <div className="cart-side">
          <form className="coupon" onSubmit={applyCoupon}>
            <label>
              Coupon code <input aria-label="Coupon code" value={coupon} onChange={(e) => setCoupon(e.target.value)} placeholder="WELCOME10" />
            </label>
            <button type="submit">Apply</button>
          </form>
          {cart.couponCodes.length > 0 && (
            <ul className="coupons">
              {cart.couponCodes.map((code) => (
                <li key={code} data-testid="applied-coupon">
                  {code} <button onClick={async () => report(await actions.removeCoupon(code))}>Remove coupon</button>
                </li>
              ))}
            </ul>
          )}
          <label className="country">
            Ship to{' '}
            <select aria-label="Shipping country" value={cart.shippingCountry ?? ''} onChange={async (e) => report(await actions.setCountry(e.target.value))}>
              <option value="" disabled>
                {cart.cost.country} (default)
              </option>
              {countries.map((c) => (
                <option key={c.code} value={c.code}>
                  {c.code}
                </option>
              ))}
            </select>
          </label>
          <CostBreakdown cost={cart.cost} />
          {lines.length > 0 &&
            (signedIn ? (
              <a className="button primary" href="#/checkout">
                Checkout
              </a>
            ) : (
              <p className="muted">Sign in to check out; your cart comes with you.</p>
            ))}
        </div>
      )}
    </section>
  );
}
