/**
 * Purchase tokens. A token names its ticket and carries an HMAC over the ticket, its owner, its
 * sale and the moment it was admitted, keyed by the platform's INTERNAL_SECRET (with a label of
 * its own), so nothing secret is stored: the ticket's owner can be shown its token again on
 * every read, a leaked database cannot mint one, and a forged or altered token fails the check.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { isUuid } from '@platform/errors';

const PREFIX = 'ft1';

interface Admitted {
  id: string;
  saleId: string;
  userId: string;
  admittedAt: Date;
}

const macOf = (secret: string, t: Admitted) =>
  createHmac('sha256', secret).update(`flash-sale-purchase-token\n${t.id}\n${t.saleId}\n${t.userId}\n${t.admittedAt.toISOString()}`).digest('base64url');

/** The purchase token of an admitted ticket. */
export function purchaseTokenOf(secret: string, ticket: Admitted): string {
  return `${PREFIX}.${ticket.id}.${macOf(secret, ticket)}`;
}

/** The ticket id a token names, or undefined when it is not shaped like one of ours. */
export function ticketIdOf(token: string): string | undefined {
  const [prefix, id, mac, extra] = token.split('.');
  if (prefix !== PREFIX || !id || !mac || extra !== undefined) return undefined;
  return isUuid(id) ? id.toLowerCase() : undefined;
}

/** True when `token` is exactly the token of `ticket` (compared in constant time). */
export function tokenMatches(secret: string, token: string, ticket: Admitted): boolean {
  const expected = Buffer.from(purchaseTokenOf(secret, ticket));
  const given = Buffer.from(token);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
