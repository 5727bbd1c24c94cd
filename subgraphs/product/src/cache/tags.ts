/** The cache tags of the catalog's data (see `@platform/redis` tags): bumped by every writer, noted by every reader. */

/** One product's own fields (name, description, images, ...). */
export const productTag = (id: string): string => `product:${id}`;
/** One product's availability. */
export const stockTag = (id: string): string => `stock:${id}`;
/** Any product's availability (for lists filtered on stock). */
export const ANY_STOCK_TAG = 'stock';
/** The catalog as a whole: which products exist and match a filter. */
export const CATALOG_TAG = 'catalog';
/** The category tree. */
export const CATEGORIES_TAG = 'categories';
/** One product's "frequently bought together" partners (bumped by the affinity consumer). */
export const affinityTag = (id: string): string => `affinity:${id}`;
/** Best sellers of every category (bumped by the affinity consumer on every paid order). */
export const BESTSELLERS_TAG = 'bestsellers';
