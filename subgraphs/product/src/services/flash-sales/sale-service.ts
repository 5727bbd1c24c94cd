/**
 * Flash sales as administrators and shop pages see them: creating one (its allocation leaves
 * sellable stock in the same transaction, with an audit row), ending one (unsold units come
 * back), and reading sales, their status and their counts.
 */
import type { TagStore } from '@platform/redis';
import { isAdmin, requireAdmin } from '@platform/auth';
import { badUserInput, forbidden, isUuid } from '@platform/errors';
import { stockChanged } from '../../cache/stock-changes.ts';
import type { CatalogCache } from '../../cache/catalog-cache.ts';
import type { SaleCache } from '../../cache/flash-sales.ts';
import { findSales, insertSale, listSales, type SaleRow } from '../../data/flash-sales.ts';
import { countByStatus } from '../../data/flash-tickets.ts';
import { applyStockChanges, lockInventory } from '../../data/inventory.ts';
import type { PrismaClient } from '../../generated/prisma/client.ts';
import type { RequestContext } from '../../request-context.ts';
import { saleNotFound } from '../errors.ts';
import type { FlashSaleAdmissions } from './admission-service.ts';
import { isClosed, saleStatus, validateSaleInput, type FlashSaleInputData, type FlashSaleStatus } from './rules.ts';

export interface FlashSaleStats {
  sold: number;
  waiting: number;
  admitted: number;
  expiredTokens: number;
}

export interface SaleServiceDeps {
  prisma: PrismaClient;
  catalog: CatalogCache;
  tags: TagStore;
  sales: SaleCache;
  admissions: FlashSaleAdmissions;
  currencyCode: string;
  transactionWaitMs: number;
}

/** Most sales `flashSales` lists. */
export const MAX_LISTED = 100;

export class FlashSaleService {
  constructor(private readonly deps: SaleServiceDeps) {}

  /**
   * Creates a sale (administrators only): validates the input, then in one transaction checks
   * that sellable stock (on hand minus reserved) covers the allocation and moves it into the
   * sale's pool; BAD_USER_INPUT naming the field otherwise, with nothing written.
   */
  async create(ctx: RequestContext, input: FlashSaleInputData): Promise<SaleRow> {
    const adminId = requireAdmin(ctx.identity);
    const sale = validateSaleInput(input, ctx.clock());
    const { prisma } = this.deps;
    const id = await prisma.$transaction(
      async (tx) => {
        const levels = await lockInventory(tx, [sale.productId]);
        const level = levels.get(sale.productId);
        if (!level) throw badUserInput('No product has this id.', { field: 'input.productId' });
        const sellable = level.onHand - level.reserved;
        if (sellable < sale.allocation) throw badUserInput(`Only ${sellable} units are in sellable stock; \`allocation\` may not exceed that.`, { field: 'input.allocation', reason: 'INSUFFICIENT_STOCK' });
        const saleId = await insertSale(tx, { ...sale, currencyCode: this.deps.currencyCode, createdBy: `admin:${adminId}` });
        await applyStockChanges(tx, levels, [{ productId: sale.productId, onHandDelta: -sale.allocation, reservedDelta: 0, reason: 'FLASH_SALE_ALLOCATE', reference: `flash-sale:${saleId}` }]);
        return saleId;
      },
      { maxWait: this.deps.transactionWaitMs, timeout: 15_000 },
    );
    await stockChanged({ cache: this.deps.catalog, tags: this.deps.tags }, [sale.productId]);
    const created = await this.fresh(id);
    // Ready for the first join before the queue opens, and known to every replica's job.
    await this.deps.admissions.rebuild(created, ctx.clock());
    await this.deps.admissions.opened(created.id);
    return created;
  }

  /** Ends a sale now (administrators only) and returns its unsold units to sellable stock; an ended sale is returned as it is. */
  async end(ctx: RequestContext, id: string): Promise<SaleRow> {
    requireAdmin(ctx.identity);
    if (!isUuid(id)) throw saleNotFound('id');
    const ended = await this.deps.admissions.end(id.toLowerCase(), ctx.clock());
    if (!ended) throw saleNotFound('id');
    return ended;
  }

  /** One sale (counts at most a second old); null when there is none. */
  async sale(ctx: RequestContext, id: string): Promise<SaleRow | null> {
    return isUuid(id) ? ctx.loaders.flashSale.load(id.toLowerCase()) : null;
  }

  /** The newest sales, only those in `status` now when given. */
  async list(ctx: RequestContext, status: FlashSaleStatus | null | undefined): Promise<SaleRow[]> {
    const rows = await listSales(this.deps.prisma, MAX_LISTED);
    const now = ctx.clock();
    return status ? rows.filter((row) => saleStatus(row, now) === status) : rows;
  }

  /** Where a sale stands now. */
  status(ctx: RequestContext, sale: SaleRow): FlashSaleStatus {
    return saleStatus(sale, ctx.clock());
  }

  /** Counts for administrators, read from Postgres now; FORBIDDEN for anyone else. */
  async stats(ctx: RequestContext, sale: SaleRow): Promise<FlashSaleStats> {
    if (!isAdmin(ctx.identity)) throw forbidden('Only administrators may see flash-sale counts.');
    const [current, counts] = await Promise.all([this.fresh(sale.id), countByStatus(this.deps.prisma, sale.id)]);
    return {
      sold: current.sold,
      waiting: isClosed(current, ctx.clock()) ? 0 : (counts.WAITING ?? 0),
      admitted: (counts.ADMITTED ?? 0) + (counts.REDEEMING ?? 0),
      expiredTokens: counts.EXPIRED ?? 0,
    };
  }

  private async fresh(id: string): Promise<SaleRow> {
    this.deps.sales.drop(id);
    const [row] = await findSales(this.deps.prisma, [id]);
    if (!row) throw saleNotFound('id');
    return row;
  }
}
