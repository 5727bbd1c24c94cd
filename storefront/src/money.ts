/**
 * Display helpers. Amounts stay the API's exact decimal strings end to end: they are shown, never
 * turned into floats.
 */
export interface Money {
  amount: string;
  currencyCode: string;
}

export const formatMoney = (money: Money): string => `${money.currencyCode} ${money.amount}`;

/** "0.09" -> "9%", "0.075" -> "7.5%": the decimal point moved by two places, as text. */
export function formatRate(rate: string): string {
  const [whole = '0', fraction = ''] = rate.split('.');
  const padded = fraction.padEnd(2, '0');
  const integer = String(Number(`${whole}${padded.slice(0, 2)}`));
  const rest = padded.slice(2).replace(/0+$/, '');
  return `${integer}${rest ? `.${rest}` : ''}%`;
}
