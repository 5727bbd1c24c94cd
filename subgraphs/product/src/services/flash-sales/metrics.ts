/**
 * Flash-sale metrics on the product subgraph's `/metrics`. They are labelled by sale id, which
 * is bounded only because sales are few and created by administrators; every series of a sale
 * is dropped when it ends, so the label set never grows with the sales history.
 */
import { Gauge } from 'prom-client';
import type { Metrics } from '@platform/server';

export interface FlashSaleMetrics {
  joined(saleId: string): void;
  admitted(saleId: string, tickets: number): void;
  sold(saleId: string, units: number): void;
  expired(saleId: string, tokens: number): void;
  queueLength(saleId: string, waiting: number): void;
  /** Drops every series of an ended sale. */
  forget(saleId: string): void;
}

const BOUNDED = 'labelled by sale: bounded because sales are few and admin-created; a sale\'s series are dropped when it ends';

/** Registers the flash-sale series on a subgraph's registry. */
export function createFlashSaleMetrics(metrics: Metrics): FlashSaleMetrics {
  const joins = metrics.counter('flash_sale_joins_total', `Tickets issued, ${BOUNDED}`, ['sale']);
  const admissions = metrics.counter('flash_sale_admissions_total', `Tickets admitted (given a purchase token), ${BOUNDED}`, ['sale']);
  const sales = metrics.counter('flash_sale_units_sold_total', `Units sold, ${BOUNDED}`, ['sale']);
  const expiries = metrics.counter('flash_sale_token_expiries_total', `Purchase tokens that lapsed unused or whose payment failed for good, ${BOUNDED}`, ['sale']);
  const queue = new Gauge({
    name: 'flash_sale_queue_length',
    help: `Tickets waiting, as of this replica's last admission run, ${BOUNDED}`,
    labelNames: ['sale'],
    registers: [metrics.registry],
  });
  return {
    joined: (sale) => joins.inc({ sale }),
    admitted: (sale, n) => void (n && admissions.inc({ sale }, n)),
    sold: (sale, n) => void (n && sales.inc({ sale }, n)),
    expired: (sale, n) => void (n && expiries.inc({ sale }, n)),
    queueLength: (sale, n) => queue.set({ sale }, n),
    forget(sale) {
      for (const series of [joins, admissions, sales, expiries]) series.remove({ sale });
      queue.remove({ sale });
    },
  };
}

/** Metrics that record nothing (services built without a registry). */
export const noFlashSaleMetrics: FlashSaleMetrics = { joined() {}, admitted() {}, sold() {}, expired() {}, queueLength() {}, forget() {} };
