/** The signed-in shopper's orders, newest first, and one order in full. */
import { useEffect, useState } from 'react';
import type { CartClient, ResultOf } from '@cart-platform/sdk';
import { formatMoney } from '../money.ts';

type OrderList = ResultOf<'orders'>['orders'];
type Order = NonNullable<ResultOf<'order'>['order']>;

export function Orders({ client, selectedId }: { client: CartClient; selectedId: string | undefined }) {
  const [orders, setOrders] = useState<OrderList | undefined>();
  const [order, setOrder] = useState<Order | null | undefined>();
  const [error, setError] = useState<string | undefined>();

  useEffect(() => {
    client.orders({ first: 20 }).then(({ orders }) => setOrders(orders), (e: unknown) => setError(String(e)));
  }, [client, selectedId]);
  useEffect(() => {
    if (!selectedId) return setOrder(undefined);
    client.order({ id: selectedId }).then(({ order }) => setOrder(order), (e: unknown) => setError(String(e)));
  }, [client, selectedId]);

  return (
    <section className="orders">
      <h1>Your orders</h1>
      {error && <p className="error">{error}</p>}
      {order && (
        <article className="order" data-testid="order-detail">
          <h2>
            Order {order.number} <span className={`status ${order.status.toLowerCase()}`}>{order.status}</span>
          </h2>
          <ul>
            {order.lines.map((line, i) => (
              <li key={i} data-testid="order-line">
                {line.quantity} × {line.name} at {formatMoney(line.unitPrice)} = {formatMoney(line.lineTotal)}
              </li>
            ))}
          </ul>
          <p>
            Subtotal {formatMoney(order.subtotal)} · discounts −{formatMoney(order.discountTotal)} · shipping {formatMoney(order.shipping)} · tax {formatMoney(order.tax)}
          </p>
          <p className="total" data-testid="order-total">
            Total {formatMoney(order.total)}, paid ({order.payment.status}, {order.payment.transactionId})
          </p>
          <p className="muted">
            Ships to {order.shippingAddress.name}, {order.shippingAddress.line1}, {order.shippingAddress.city} {order.shippingAddress.postalCode}, {order.shippingAddress.country}
          </p>
        </article>
      )}
      {orders && orders.totalCount === 0 && <p data-testid="no-orders">No orders yet.</p>}
      {orders && orders.totalCount > 0 && (
        <table className="order-list">
          <thead>
            <tr>
              <th>Order</th>
              <th>Placed</th>
              <th>Status</th>
              <th>Total</th>
            </tr>
          </thead>
          <tbody>
            {orders.edges.map(({ node }) => (
              <tr key={node.id} data-testid="order-row">
                <td>
                  <a href={`#/orders/${node.id}`}>{node.number}</a>
                </td>
                <td>{new Date(String(node.createdAt)).toLocaleString()}</td>
                <td>{node.status}</td>
                <td>{formatMoney(node.total)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
