/** The demo catalog: search, a category filter, in-stock only, pages of 12 with price and stock. */
import { useEffect, useState, type FormEvent } from 'react';
import type { CartClient, ResultOf } from '@cart-platform/sdk';
import { formatMoney } from '../money.ts';

const PAGE_SIZE = 12;

type Page = ResultOf<'storeProducts'>['products'];
type Category = ResultOf<'categories'>['categories'][number];

interface Filter {
  search: string;
  categoryId: string;
  inStockOnly: boolean;
}

export function Catalog({ client, onAdd }: { client: CartClient; onAdd: (productId: string, name: string) => Promise<void> }) {
  const [categories, setCategories] = useState<Category[]>([]);
  const [filter, setFilter] = useState<Filter>({ search: '', categoryId: '', inStockOnly: false });
  const [draft, setDraft] = useState('');
  // The cursor each page starts after: [null] is the first page.
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const [page, setPage] = useState<Page | undefined>();
  const [error, setError] = useState<string | undefined>();

  useEffect(() => {
    client.categories().then(({ categories }) => setCategories([...categories].sort((a, b) => a.path.localeCompare(b.path))), (e: unknown) => setError(String(e)));
  }, [client]);

  useEffect(() => {
    let current = true;
    const after = cursors.at(-1) ?? null;
    const query = { ...(filter.search ? { search: filter.search } : {}), ...(filter.categoryId ? { categoryId: filter.categoryId } : {}), ...(filter.inStockOnly ? { inStockOnly: true } : {}) };
    client.storeProducts({ filter: query, first: PAGE_SIZE, after }).then(
      ({ products }) => current && (setPage(products), setError(undefined)),
      (e: unknown) => current && setError(String(e)),
    );
    return () => {
      current = false;
    };
  }, [client, filter, cursors]);

  const apply = (next: Partial<Filter>) => {
    setFilter((f) => ({ ...f, ...next }));
    setCursors([null]);
  };
  const search = (event: FormEvent) => {
    event.preventDefault();
    apply({ search: draft.trim() });
  };
  const first = (cursors.length - 1) * PAGE_SIZE + 1;

  return (
    <section>
      <h1>Catalog</h1>
      <form className="filters" onSubmit={search} role="search">
        <input aria-label="Search products" placeholder="Search products" value={draft} onChange={(e) => setDraft(e.target.value)} />
        <button type="submit">Search</button>
        <select aria-label="Category" value={filter.categoryId} onChange={(e) => apply({ categoryId: e.target.value })}>
          <option value="">All categories</option>
          {categories.map((c) => (
            <option key={c.id} value={c.id}>
              {'\u00a0\u00a0'.repeat(c.path.split('/').length - 1)}
              {c.name}
            </option>
          ))}
        </select>
        <label>
          <input type="checkbox" checked={filter.inStockOnly} onChange={(e) => apply({ inStockOnly: e.target.checked })} /> In stock only
        </label>
      </form>
      {error && <p className="error">{error}</p>}
      {page && (
        <>
          <p className="muted" data-testid="result-count">
            {page.totalCount === 0 ? 'No products match.' : `Showing ${first}–${first + page.edges.length - 1} of ${page.totalCount}`}
          </p>
          <ul className="grid">
            {page.edges.map(({ node: product }) => (
              <li key={product.id} className="card" data-testid="product-card">
                <h3 data-testid="product-name">{product.name}</h3>
                <p className="muted">
                  {product.brand ?? 'No brand'} · {product.category?.name ?? 'Uncategorised'}
                </p>
                <p className="price" data-testid="product-price">
                  {formatMoney(product.price)}
                </p>
                <p className={product.availability.inStock ? 'stock' : 'stock out'} data-testid="product-stock">
                  {product.availability.inStock ? `In stock: ${product.availability.availableQuantity}` : 'Out of stock'}
                </p>
                <button disabled={!product.availability.inStock} onClick={() => void onAdd(product.id, product.name)}>
                  Add to cart
                </button>
              </li>
            ))}
          </ul>
          <nav className="pager" aria-label="Pages">
            <button disabled={cursors.length === 1} onClick={() => setCursors((c) => c.slice(0, -1))}>
              Previous page
            </button>
            <span data-testid="page-number">Page {cursors.length}</span>
            <button disabled={!page.pageInfo.hasNextPage} onClick={() => setCursors((c) => [...c, page.pageInfo.endCursor])}>
              Next page
            </button>
          </nav>
        </>
      )}
    </section>
  );
}
