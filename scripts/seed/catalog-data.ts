/**
 * The demo catalog, generated deterministically from the tables in ./data. Every run yields
 * the same categories, products, ids, prices and stock, so seeding is repeatable and the
 * catalog and pricing schemas agree on product ids without talking to each other.
 */
import { createHash } from 'node:crypto';
import { beauty } from './data/beauty.ts';
import { electronics } from './data/electronics.ts';
import { automotive, babyKids, sports } from './data/family-sports-auto.ts';
import { fashion } from './data/fashion.ts';
import { groceries } from './data/groceries.ts';
import { home } from './data/home.ts';
import { COUPONS, SHIPPING_RATES, TAX_RATES, type SeedCoupon } from './data/pricing.ts';
import type { Attrs, LeafCategory, ProductLine, RootCategory, VariantOption } from './data/types.ts';

export { COUPONS, SHIPPING_RATES, TAX_RATES, type SeedCoupon };

export const CATEGORY_TREE: RootCategory[] = [electronics, fashion, home, beauty, groceries, babyKids, sports, automotive];

export interface SeedCategory {
  id: string;
  name: string;
  slug: string;
  /** Materialised path of slugs from the root, e.g. "electronics/mobile-phones". */
  path: string;
  parentSlug: string | null;
  parentId: string | null;
}

export interface SeedProduct {
  id: string;
  sku: string;
  name: string;
  description: string;
  brand: string;
  categoryId: string;
  categorySlug: string;
  images: string[];
  attributes: Attrs;
  /** Store-currency price, an exact decimal string such as "12.90". */
  price: string;
  /** Initial on-hand stock. */
  stock: number;
}

export interface SeedCatalog {
  categories: SeedCategory[];
  products: SeedProduct[];
}

/** A fixed namespace for this project's seed ids; changing it would re-key every seeded row. */
const SEED_NAMESPACE = '3b0f9d0e-6a1c-4e59-9a57-5e2d1c8a7f42';

/** RFC 4122 version-5 (SHA-1, name-based) UUID of `name` in `namespace`. */
export function uuidV5(name: string, namespace: string): string {
  const hash = createHash('sha1').update(namespace.replaceAll('-', ''), 'hex').update(name, 'utf8').digest();
  const bytes = hash.subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export const categoryIdFor = (slug: string): string => uuidV5(`category:${slug}`, SEED_NAMESPACE);
export const productIdFor = (sku: string): string => uuidV5(`product:${sku}`, SEED_NAMESPACE);

/** 32 bits of SHA-1, to seed PRNGs and pick stable base prices from names. */
export function hash32(text: string): number {
  return createHash('sha1').update(text).digest().readUInt32BE(0);
}

/** mulberry32: tiny, fast and good enough for demo data. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(rand: () => number, list: readonly T[]): T {
  const item = list[Math.floor(rand() * list.length)];
  if (item === undefined) throw new Error('pick from an empty list');
  return item;
}

/** Integer cents as "12.90"; money is never a float on its way out. */
export function formatCents(cents: number): string {
  if (!Number.isSafeInteger(cents) || cents < 0) throw new Error(`not a cent amount: ${cents}`);
  return `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
}

/** Shelf-style price endings: 1899.00 / 349.00, 12.90, 3.50. */
function shelfPrice(cents: number): number {
  if (cents >= 10_000) return Math.round(cents / 1000) * 1000 - 100;
  if (cents >= 1_000) return Math.round(cents / 100) * 100 - 10;
  return Math.max(10, Math.round(cents / 10) * 10);
}

interface Candidate {
  line: ProductLine;
  brand: string;
  item: string;
  options: VariantOption[];
}

/** Every brand x item x variant combination of a leaf, in table order. */
function candidates(leaf: LeafCategory): Candidate[] {
  const out: Candidate[] = [];
  for (const line of leaf.lines) {
    let combos: VariantOption[][] = [[]];
    for (const dimension of line.variants ?? leaf.variants) {
      combos = combos.flatMap((combo) => dimension.map((option) => [...combo, option]));
    }
    for (const brand of line.brands) {
      for (const item of line.items) {
        for (const options of combos) out.push({ line, brand, item, options });
      }
    }
  }
  return out;
}

function fill(template: string, values: { name: string; brand: string; item: string }): string {
  return template.replaceAll('{name}', values.name).replaceAll('{brand}', values.brand).replaceAll('{item}', values.item);
}

function buildProduct(root: RootCategory, leaf: LeafCategory, categoryId: string, index: number, c: Candidate, rand: () => number): SeedProduct {
  const sku = `SG-${root.code}-${leaf.code}-${String(index + 1).padStart(5, '0')}`;
  const name = [c.brand, c.item, ...c.options.map((o) => o.label)].filter(Boolean).join(' ');
  const attributes: Attrs = { ...leaf.attrs, ...c.line.attrs };
  for (const option of c.options) Object.assign(attributes, option.attrs);

  // The base price hangs off brand + item, not the PRNG, so variants of one item stay consistent.
  const [min, max] = c.line.price ?? leaf.price;
  const base = min + (hash32(`${c.brand}|${c.item}`) % (max - min + 1));
  const factor = c.options.reduce((f, o) => f * (o.factor ?? 1), 1);
  const cents = Math.min(leaf.price[1], Math.max(leaf.price[0], shelfPrice(Math.round(base * factor))));

  const values = { name, brand: c.brand, item: c.item };
  let description = fill(pick(rand, leaf.descriptions), values);
  if (leaf.extras && rand() < 0.5) description += ` ${fill(pick(rand, leaf.extras), values)}`;

  const imageCount = 1 + Math.floor(rand() * 3);
  const images = Array.from({ length: imageCount }, (_, i) => `https://cdn.example.com/p/${sku}-${i + 1}.jpg`);
  // About 5 % sold out; the rest skewed towards smaller stock, as real shelves are.
  const stock = rand() < 0.05 ? 0 : 1 + Math.floor(rand() ** 2 * 500);

  return {
    id: productIdFor(sku),
    sku,
    name,
    description,
    brand: c.brand,
    categoryId,
    categorySlug: leaf.slug,
    images,
    attributes,
    price: formatCents(cents),
    stock,
  };
}

/** A deterministic sample of a leaf's combinations, numbered into SKUs. */
function leafProducts(root: RootCategory, leaf: LeafCategory): SeedProduct[] {
  // One PRNG per leaf, so editing one category's table leaves every other category's SKUs alone.
  const rand = prng(hash32(`catalog-v1:${leaf.slug}`));
  const pool = candidates(leaf);
  if (pool.length < leaf.count) throw new Error(`${leaf.slug}: only ${pool.length} combinations for ${leaf.count} products`);
  for (let i = pool.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
  }
  const categoryId = categoryIdFor(leaf.slug);
  return pool.slice(0, leaf.count).map((c, i) => buildProduct(root, leaf, categoryId, i, c, rand));
}

/** Builds the whole demo catalog: categories parents first, then products. Pure and repeatable. */
export function buildCatalog(): SeedCatalog {
  const categories: SeedCategory[] = [];
  const products: SeedProduct[] = [];
  for (const root of CATEGORY_TREE) {
    categories.push({ id: categoryIdFor(root.slug), name: root.name, slug: root.slug, path: root.slug, parentSlug: null, parentId: null });
  }
  for (const root of CATEGORY_TREE) {
    for (const leaf of root.children) {
      categories.push({
        id: categoryIdFor(leaf.slug),
        name: leaf.name,
        slug: leaf.slug,
        path: `${root.slug}/${leaf.slug}`,
        parentSlug: root.slug,
        parentId: categoryIdFor(root.slug),
      });
      products.push(...leafProducts(root, leaf));
    }
  }
  return { categories, products };
}
