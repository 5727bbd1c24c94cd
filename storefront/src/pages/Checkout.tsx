/**
 * Checkout with the platform's test payment tokens. The order is placed at the cart version on
 * screen (a change elsewhere meanwhile is refused, not silently charged), under an idempotency
 * key the SDK makes, so a retried request never charges twice.
 */
import { useState, type FormEvent } from 'react';
import type { CartClient, LiveCart, ResultOf } from '@cart-platform/sdk';
import { CostBreakdown } from '../components/CostBreakdown.tsx';

type CheckoutResult = ResultOf<'checkout'>['checkout'];

export const TEST_PAYMENT_TOKENS = [
  { token: 'tok_ok', label: 'Test card: approved' },
  { token: 'tok_declined', label: 'Test card: declined' },
  { token: 'tok_unavailable', label: 'Test card: provider unavailable' },
] as const;

function describeCheckout(result: Exclude<CheckoutResult, { __typename: 'Order' }>): string {
  switch (result.__typename) {
    case 'CartVersionMismatch':
      return 'Your cart changed while you were checking out. Review it and place the order again.';
    case 'OutOfStock':
      return `Not enough stock: ${result.lines.map((l) => `${l.available} of ${l.requested} available`).join(', ')}.`;
    case 'InvalidAddress':
      return `Check the address (${result.field}): ${result.message}`;
    default:
      return result.message;
  }
}

export function Checkout({ client, cart, name, onPlaced }: { client: CartClient; cart: LiveCart | null | undefined; name: string; onPlaced: (order: Extract<CheckoutResult, { __typename: 'Order' }>) => void }) {
  const [address, setAddress] = useState({ name, line1: '1 Marina Boulevard', line2: '', city: 'Singapore', postalCode: '018989', country: cart?.shippingCountry ?? cart?.cost.country ?? 'SG' });
  const [paymentToken, setPaymentToken] = useState<string>('tok_ok');
  const [problem, setProblem] = useState<string | undefined>();
  const [placing, setPlacing] = useState(false);

  if (!cart || cart.lines.length === 0) return <p>Your cart is empty. <a href="#/">Browse the catalog</a>.</p>;
  const field = (key: keyof typeof address, label: string) => (
    <label>
      {label} <input aria-label={label} value={address[key]} onChange={(e) => setAddress((a) => ({ ...a, [key]: e.target.value }))} />
    </label>
  );
  const place = async (event: FormEvent) => {
    event.preventDefault();
    setPlacing(true);
    setProblem(undefined);
    try {
      const { line2, ...rest } = address;
      const { checkout } = await client.checkout({ input: { expectedCartVersion: cart.version, paymentToken, shippingAddress: { ...rest, ...(line2 ? { line2 } : {}) } } });
      if (checkout.__typename === 'Order') onPlaced(checkout);
      else setProblem(describeCheckout(checkout));
    } catch (error) {
      setProblem(`Checkout failed: ${String(error)}`);
    } finally {
      setPlacing(false);
    }
  };

  return (
    <section className="checkout">
      <h1>Checkout</h1>
      <form onSubmit={place}>
        <fieldset>
          <legend>Shipping address</legend>
          {field('name', 'Name')}
          {field('line1', 'Address')}
          {field('line2', 'Address line 2')}
          {field('city', 'City')}
          {field('postalCode', 'Postal code')}
          {field('country', 'Country')}
        </fieldset>
        <fieldset>
          <legend>Payment</legend>
          {TEST_PAYMENT_TOKENS.map((t) => (
            <label key={t.token}>
              <input type="radio" name="payment" value={t.token} checked={paymentToken === t.token} onChange={() => setPaymentToken(t.token)} /> {t.label} <code>{t.token}</code>
            </label>
          ))}
        </fieldset>
        <p>
          {cart.totalQuantity} item(s), cart version {cart.version}
        </p>
        <CostBreakdown cost={cart.cost} />
        {problem && (
          <p className="error" role="alert" data-testid="checkout-problem">
            {problem}
          </p>
        )}
        <button className="primary" type="submit" disabled={placing}>
          {placing ? 'Placing order…' : 'Place order'}
        </button>
      </form>
    </section>
  );
}
