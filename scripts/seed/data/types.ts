/**
 * The shape of the hand-written catalog tables. A leaf category lists product lines
 * (brands x items) and variant dimensions; the generator takes a deterministic sample of
 * their combinations, so the tables stay short while the catalog stays large.
 */

export type AttrValue = string | number | boolean | string[];
export type Attrs = Record<string, AttrValue>;

/** One choice along a variant dimension. */
export interface VariantOption {
  /** Appended to the product name; '' leaves the name alone. */
  label: string;
  attrs?: Attrs;
  /** Multiplies the base price (a bigger pack or more storage costs more). */
  factor?: number;
}

/** Items that every listed brand sells, priced within `price` when given. */
export interface ProductLine {
  brands: string[];
  items: string[];
  /** Base price range in SGD cents; defaults to the category's. */
  price?: [number, number];
  attrs?: Attrs;
  /** Replaces the category's variant dimensions for this line. */
  variants?: VariantOption[][];
}

export interface LeafCategory {
  slug: string;
  name: string;
  /** The category part of a SKU, e.g. PHN in SG-ELEC-PHN-00042. */
  code: string;
  count: number;
  /** Price range in SGD cents; every price is clamped into it. */
  price: [number, number];
  lines: ProductLine[];
  variants: VariantOption[][];
  attrs?: Attrs;
  /** First sentences; placeholders {name}, {brand}, {item}. */
  descriptions: string[];
  /** Optional second sentences, same placeholders. */
  extras?: string[];
}

export interface RootCategory {
  slug: string;
  name: string;
  code: string;
  children: LeafCategory[];
}

/** One dimension from a list of labels, each setting `attr` to its label. */
export function opts(attr: string, labels: string[], factors: number[] = []): VariantOption[] {
  return labels.map((label, i) => ({ label, attrs: { [attr]: label }, factor: factors[i] ?? 1 }));
}

/** Pack sizes: the label goes into the name and `pack` into the attributes. */
export function packs(labels: string[], factors: number[]): VariantOption[] {
  return opts('pack', labels, factors);
}

export const COLORS = ['Black', 'White', 'Navy', 'Olive', 'Grey', 'Sand'];
