/** The abandoned-cart email: the cart's lines with their names and current prices, and a link back to the cart. */
import Decimal from 'decimal.js';
import type { CartReminder } from './notifier.ts';

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const price = (amount: Decimal.Value, currencyCode: string) => `${currencyCode} ${new Decimal(amount).toFixed(2)}`;

export function renderReminder(reminder: CartReminder): { subject: string; text: string; html: string } {
  const currency = reminder.lines[0]?.currencyCode ?? '';
  const total = reminder.lines.reduce((sum, l) => sum.plus(new Decimal(l.unitPrice).times(l.quantity)), new Decimal(0));
  const subject = reminder.lines.length === 1 ? `${reminder.lines[0]!.name} is still in your cart` : `${reminder.lines.length} items are still in your cart`;
  const text = [
    'You left these in your cart:',
    '',
    ...reminder.lines.map((l) => `- ${l.name} x ${l.quantity}: ${price(l.unitPrice, l.currencyCode)} each`),
    '',
    `Total at today's prices: ${price(total, currency)}`,
    '',
    `Pick up where you left off: ${reminder.cartUrl}`,
    '',
    'You get this email because you left items in your cart. You can turn these reminders off in your account settings.',
  ].join('\n');
  const rows = reminder.lines
    .map((l) => `<tr><td>${escapeHtml(l.name)}</td><td>${l.quantity}</td><td>${escapeHtml(price(l.unitPrice, l.currencyCode))}</td></tr>`)
    .join('');
  const html = `<p>You left these in your cart:</p><table><tr><th>Item</th><th>Qty</th><th>Price</th></tr>${rows}</table><p>Total at today's prices: ${escapeHtml(price(total, currency))}</p><p><a href="${escapeHtml(reminder.cartUrl)}">Return to your cart</a></p>`;
  return { subject, text, html };
}
