/**
 * Catalog writes for administrators: create or update a product. Input is validated and
 * normalised first; the cached entity is dropped after the write commits.
 */
import { requireAdmin } from '@platform/auth';
import { badUserInput, isUuid } from '@platform/errors';
import { Prisma, type PrismaClient, type Product } from '../generated/prisma/client.ts';
import type { TagStore } from '@platform/redis';
import type { WriteRecorder } from '@platform/server';
import type { CatalogCache } from '../cache/catalog-cache.ts';
import { CATALOG_WRITES } from '../cache/catalog-reads.ts';
import { CATALOG_TAG, productTag } from '../cache/tags.ts';
import type { RequestContext } from '../request-context.ts';
import { notFound } from './errors.ts';
import type { InventoryService } from './inventory-service.ts';

export interface ProductInputData {
  id?: string | null;
  sku: string;
  name: string;
  description?: string | null;
  brand?: string | null;
  categoryId?: string | null;
  images?: string[] | null;
  attributes?: unknown;
}

const SKU = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const LIMITS = { sku: 64, name: 200, description: 5_000, brand: 100, images: 20, imageUrl: 2_048, attributesBytes: 16_384 };

/** The fields to write; `undefined` leaves a field as it is when updating. */
type ProductFields = {
  sku: string;
  name: string;
  description?: string | null;
  brand?: string | null;
  categoryId?: string | null;
  images?: string[];
  attributes?: Prisma.InputJsonValue | typeof Prisma.DbNull;
};

function optionalText(value: string | null | undefined, field: string, max: number): string | null | undefined {
  if (value === undefined) return undefined;
  const text = value?.trim();
  if (!text) return null;
  if (text.length > max) throw badUserInput(`\`${field}\` may be at most ${max} characters.`, { field: `input.${field}` });
  return text;
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

/** Checks and normalises an input; throws BAD_USER_INPUT naming the first bad field. */
export function validateProductInput(input: ProductInputData): ProductFields {
  const sku = input.sku.trim();
  if (!sku || sku.length > LIMITS.sku || !SKU.test(sku)) {
    throw badUserInput(`\`sku\` must be 1 to ${LIMITS.sku} letters, digits, '.', '_' or '-'.`, { field: 'input.sku' });
  }
  const name = input.name.trim().replace(/\s+/g, ' ');
  if (!name || name.length > LIMITS.name) throw badUserInput(`\`name\` must be 1 to ${LIMITS.name} characters.`, { field: 'input.name' });
  const fields: ProductFields = { sku, name };
  const description = optionalText(input.description, 'description', LIMITS.description);
  if (description !== undefined) fields.description = description;
  const brand = optionalText(input.brand, 'brand', LIMITS.brand);
  if (brand !== undefined) fields.brand = brand;
  if (input.categoryId !== undefined) {
    if (input.categoryId !== null && !isUuid(input.categoryId)) throw badUserInput('`categoryId` is not a category id.', { field: 'input.categoryId' });
    fields.categoryId = input.categoryId;
  }
  if (input.images !== undefined) {
    const images = (input.images ?? []).map((url) => url.trim());
    if (images.length > LIMITS.images) throw badUserInput(`At most ${LIMITS.images} images.`, { field: 'input.images' });
    const bad = images.find((url) => url.length > LIMITS.imageUrl || !isHttpUrl(url));
    if (bad !== undefined) throw badUserInput('Every image must be an http(s) URL.', { field: 'input.images' });
    fields.images = images;
  }
  if (input.attributes !== undefined) {
    const attributes = input.attributes;
    if (attributes === null) fields.attributes = Prisma.DbNull;
    else if (typeof attributes !== 'object' || Array.isArray(attributes)) throw badUserInput('`attributes` must be a JSON object.', { field: 'input.attributes' });
    else if (Buffer.byteLength(JSON.stringify(attributes)) > LIMITS.attributesBytes) {
      throw badUserInput(`\`attributes\` may be at most ${LIMITS.attributesBytes} bytes of JSON.`, { field: 'input.attributes' });
    } else fields.attributes = attributes as Prisma.InputJsonValue;
  }
  return fields;
}

const isKnownError = (error: unknown, code: string) => error instanceof Prisma.PrismaClientKnownRequestError && error.code === code;

export interface ProductServiceDeps {
  prisma: PrismaClient;
  cache: CatalogCache;
  tags: TagStore;
  inventory: InventoryService;
  /** Records catalog writes for the read replica's read-your-writes (absent or a no-op without a replica). */
  writes?: WriteRecorder | undefined;
}

export class ProductService {
  constructor(private readonly deps: ProductServiceDeps) {}

  /**
   * Creates or updates a product (administrators only). With `id`: that product (created under
   * that id if new). Without: the product with this SKU, or a new one. A new product starts with
   * no stock. On update, fields left out stay as they are; `null` clears them. The cached entity
   * is dropped once the write commits, so the next read anywhere sees it. With a read replica,
   * the write's position is recorded first for the admin (their reads go to the primary until the
   * replica has it) and for the catalog (no replica row fills a cache before then).
   */
  async upsert(ctx: RequestContext, input: ProductInputData): Promise<Product> {
    const adminId = requireAdmin(ctx.identity);
    const fields = validateProductInput(input);
    if (input.id != null && !isUuid(input.id)) throw badUserInput('`id` is not a product id.', { field: 'input.id' });
    const { prisma, cache } = this.deps;
    if (fields.categoryId) {
      const category = await prisma.category.findUnique({ where: { id: fields.categoryId }, select: { id: true } });
      if (!category) throw badUserInput('No category has this id.', { field: 'input.categoryId' });
    }
    const { categoryId, ...own } = fields;
    const category = categoryId === undefined ? {} : categoryId === null ? { category: { disconnect: true } } : { category: { connect: { id: categoryId } } };
    const create = { ...own, ...(categoryId ? { category: { connect: { id: categoryId } } } : {}), inventory: { create: {} } };
    let product: Product;
    try {
      product = await prisma.product.upsert({
        where: input.id != null ? { id: input.id } : { sku: fields.sku },
        create: input.id != null ? { id: input.id, ...create } : create,
        update: { ...own, ...category },
      });
    } catch (error) {
      if (isKnownError(error, 'P2002')) throw badUserInput('Another product already has this SKU.', { field: 'input.sku' });
      throw error;
    }
    const { writes } = this.deps;
    if (writes) await Promise.all([writes.noteWrite(adminId), writes.noteWrite(CATALOG_WRITES)]);
    await Promise.all([cache.products.invalidate([product.id]), this.deps.tags.bump([productTag(product.id), CATALOG_TAG])]);
    return product;
  }

  /** Sets a product's on-hand count (administrators only; never below what checkouts hold) and returns the product. */
  async setStock(ctx: RequestContext, input: { productId: string; onHand: number }): Promise<Product> {
    const adminId = requireAdmin(ctx.identity);
    if (!isUuid(input.productId)) throw notFound('productId');
    const id = input.productId.toLowerCase();
    await this.deps.inventory.setStock(ctx, { productId: id, onHand: input.onHand, reference: `admin:${adminId}` });
    const product = await ctx.loaders.product.load(id);
    if (!product) throw notFound('productId');
    return product;
  }
}
