/**
 * The inventory books, checked per product in one statement each (one snapshot, so a
 * transaction in flight is never half seen). Read by the product subgraph's `/metrics`
 * (`inventory_invariant_violations`, `inventory_audit_mismatches`).
 *
 * The invariant (issue 15): on hand + reserved + sold = received, where, from the data:
 *
 * - received: what came into stock: the seed's receipts (`SEED`) and the admins' stock counts
 *   (`SET_STOCK`; a count below the books is shrinkage, a negative receipt), summed from the
 *   audit log. Nothing else adds units: cancellations are returns of what was sold.
 * - on hand: sellable units nobody holds: `Inventory.onHand - Inventory.reserved` (`onHand`
 *   counts held units too), plus the free units of flash-sale pools (`FlashSale.available`:
 *   moved out of sellable stock, not sold).
 * - reserved: units held for checkouts, counted from the holds themselves, not from
 *   `Inventory.reserved`: active reservations (`Reservation` ACTIVE) and units flash-sale tickets
 *   hold (`FlashSale.held`).
 * - sold: consumed reservations (`Reservation` CONSUMED; a cancelled order's reservation is
 *   RETURNED and its units back on hand, so sold is net of cancellations) and flash-sale units
 *   sold (`FlashSale.sold`, which a cancellation lowers).
 *
 * So a product breaks it when a stock level, a reservation's status or quantity, a flash pool's
 * counters or the receipts disagree, or a level is negative. One more term is checked with it,
 * since the sum alone cannot see a unit moved between reserved and sold: `Inventory.reserved`
 * must equal the active reservations (flash sales never hold through it). Units a flash sale gave back
 * (`FlashSale.returned`) are on hand again, so they appear only there.
 */

/** Products whose on hand + reserved + sold differs from what they received, whose reserved count is not their active reservations, or whose stock is negative. */
export const INVARIANT_VIOLATIONS_SQL = `
  WITH received AS (
         SELECT "productId", sum("onHandDelta") AS units FROM catalog."StockMovement"
         WHERE "reason" IN ('SEED', 'SET_STOCK') GROUP BY "productId"),
       held AS (
         SELECT "productId", sum("quantity") FILTER (WHERE "status" = 'ACTIVE') AS reserved,
                             sum("quantity") FILTER (WHERE "status" = 'CONSUMED') AS sold
         FROM catalog."Reservation" GROUP BY "productId"),
       flash AS (
         SELECT "productId", sum("available") AS available, sum("held") AS held, sum("sold") AS sold
         FROM catalog."FlashSale" GROUP BY "productId")
  SELECT count(*) AS value
  FROM catalog."Inventory" i
  LEFT JOIN received r ON r."productId" = i."productId"
  LEFT JOIN held h ON h."productId" = i."productId"
  LEFT JOIN flash f ON f."productId" = i."productId"
  WHERE i."onHand" < 0 OR i."reserved" < 0 OR i."reserved" <> coalesce(h.reserved, 0)
     OR (i."onHand" - i."reserved" + coalesce(f.available, 0))
      + (coalesce(h.reserved, 0) + coalesce(f.held, 0))
      + (coalesce(h.sold, 0) + coalesce(f.sold, 0))
     <> coalesce(r.units, 0)`;

/** Products whose on hand or reserved differs from the sum of their audit movements (a change written without its movement). */
export const AUDIT_MISMATCHES_SQL = `
  SELECT count(*) AS value FROM catalog."Inventory" i
  JOIN (SELECT "productId", sum("onHandDelta") AS on_hand, sum("reservedDelta") AS reserved FROM catalog."StockMovement" GROUP BY "productId") m
    ON m."productId" = i."productId"
  WHERE i."onHand" <> m.on_hand OR i."reserved" <> m.reserved`;
