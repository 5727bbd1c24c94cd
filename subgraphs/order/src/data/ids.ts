/**
 * Row ids for rows written with plain SQL: UUIDv7 (RFC 9562), as Prisma's `@default(uuid(7))`
 * makes them for the same columns, so ids keep their time order whichever path wrote them.
 */
import { randomBytes } from 'node:crypto';

export function uuidv7(now = Date.now()): string {
  const bytes = randomBytes(16);
  // 48-bit big-endian Unix time in milliseconds.
  bytes.writeUIntBE(now, 0, 6);
  bytes[6] = (bytes[6]! & 0x0f) | 0x70; // version 7
  bytes[8] = (bytes[8]! & 0x3f) | 0x80; // variant 10
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
