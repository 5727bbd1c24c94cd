/**
 * The storefront shell: who is shopping (guest first, then the demo sign-in that merges the guest
 * cart and shows what happened to each line), the live cart shared by every page, and routing
 * by the URL hash (`#/`, `#/cart`, `#/checkout`, `#/orders[/<id>]`).
 */
import { useCallback, useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import type { CartClient, LiveStatus, ResultOf } from '@cart-platform/sdk';
import { cartActions } from './cart-actions.ts';
import type { StoreConfig } from './config.ts';
import { useLiveCart } from './live-cart.ts';
import { CartPage } from './pages/CartPage.tsx';
import { Catalog } from './pages/Catalog.tsx';
import { Checkout } from './pages/Checkout.tsx';
import { Orders } from './pages/Orders.tsx';
import { clientFor, demoLogin, IDENTITY_KEY, loadIdentity, saveIdentity, startGuest, type Identity } from './session.ts';

type Merge = ResultOf<'mergeGuestCart'>['mergeGuestCart'];
interface MergeReport {
  lines: { productId: string; name: string; outcome: Merge['outcomes'][number]['outcome']; quantity: number }[];
}

const OUTCOME_TEXT = { ADDED: 'added', COMBINED: 'combined with your cart', CAPPED: 'capped at 999, the most one line holds', DROPPED_UNAVAILABLE: 'dropped: no longer available' } as const;
const STATUS_TEXT: Record<LiveStatus, string> = { connecting: 'Connecting…', live: 'Live', reconnecting: 'Reconnecting…', closed: 'Offline' };

function useHashRoute(): string[] {
  const read = () => window.location.hash.replace(/^#\/?/, '').split('/').filter(Boolean);
  const [route, setRoute] = useState(read);
  useEffect(() => {
    const onChange = () => setRoute(read());
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}

/** The outcome of each guest line, with product names (a dropped line is no longer in any cart). */
async function describeMerge(client: CartClient, merge: Merge): Promise<MergeReport> {
  const names = new Map([...merge.cart.lines, ...merge.cart.savedForLater].map((l) => [l.product.id, l.product.name]));
  const lines = await Promise.all(
    merge.outcomes.map(async (o) => ({
      productId: o.productId,
      outcome: o.outcome,
      quantity: o.quantity,
      name: names.get(o.productId) ?? (await client.product({ id: o.productId }).then((r) => r.product?.name ?? o.productId, () => o.productId)),
    })),
  );
  return { lines };
}

export function App({ config }: { config: StoreConfig }) {
  const [identity, setIdentity] = useState<Identity | undefined>(loadIdentity);
  const [notice, setNotice] = useState<{ kind: 'info' | 'error'; text: string } | undefined>();
  const [merge, setMerge] = useState<MergeReport | undefined>();
  const [name, setName] = useState('');
  const route = useHashRoute();

  // Guest first: a shopper without a session gets one before anything else.
  const starting = useRef(false);
  useEffect(() => {
    if (identity || starting.current) return;
    starting.current = true;
    startGuest(config).then(
      (guest) => {
        saveIdentity(guest);
        setIdentity(guest);
        starting.current = false;
      },
      (error: unknown) => setNotice({ kind: 'error', text: `Could not start a guest session: ${String(error)}` }),
    );
  }, [config, identity]);
  // Another tab signed in or out: follow it, so both tabs show the same cart.
  useEffect(() => {
    const onStorage = (event: StorageEvent) => event.key === IDENTITY_KEY && setIdentity(loadIdentity());
    window.addEventListener('storage', onStorage);
    return () => window.removeEventListener('storage', onStorage);
  }, []);

  const client = useMemo(() => clientFor(config, identity), [config, identity]);
  const live = useLiveCart(client, identity !== undefined);
  const cartRef = useRef(live.cart);
  cartRef.current = live.cart;
  const actions = useMemo(() => cartActions(client, () => cartRef.current, live.refresh), [client, live.refresh]);
  const report = useCallback((message: string | undefined) => setNotice(message ? { kind: 'error', text: message } : undefined), []);

  const signIn = async (event: FormEvent) => {
    event.preventDefault();
    try {
      const user = await demoLogin(name.trim());
      const userClient = clientFor(config, user);
      if (identity?.kind === 'guest') {
        const { mergeGuestCart } = await userClient.mergeGuestCart({ input: { guestToken: identity.token } });
        setMerge(await describeMerge(userClient, mergeGuestCart));
      }
      saveIdentity(user);
      setIdentity(user);
      setNotice({ kind: 'info', text: `Signed in as ${user.name}.` });
    } catch (error) {
      setNotice({ kind: 'error', text: error instanceof Error ? error.message : String(error) });
    }
  };
  const signOut = async () => {
    const guest = await startGuest(config);
    saveIdentity(guest);
    setIdentity(guest);
    setMerge(undefined);
    setNotice({ kind: 'info', text: 'Signed out. You are shopping as a guest.' });
  };

  const page = route[0] ?? '';
  const user = identity?.kind === 'user' ? identity : undefined;
  return (
    <>
      <header className="top">
        <a className="brand" href="#/">
          Cart platform store
        </a>
        <nav>
          <a href="#/">Catalog</a>
          <a href="#/cart" data-testid="cart-link">
            Cart <span className="badge" data-testid="cart-count">{live.cart?.totalQuantity ?? 0}</span>
          </a>
          {user && <a href="#/orders">Orders</a>}
        </nav>
        <span className={`live ${live.status}`} data-testid="live-status" data-ready={live.ready && live.status === 'live'} title={live.cart ? `cart version ${live.cart.version}` : undefined}>
          {STATUS_TEXT[live.status]}
          {live.cart ? ` · v${live.cart.version}` : ''}
        </span>
        {user ? (
          <span className="who">
            Signed in as <strong data-testid="signed-in-as">{user.name}</strong> <button onClick={() => void signOut()}>Sign out</button>
          </span>
        ) : (
          <form className="who" onSubmit={signIn}>
            <span className="muted">Guest</span>
            <input aria-label="Your name" placeholder="Your name" value={name} onChange={(e) => setName(e.target.value)} disabled={!config.demoLogin} />
            <button type="submit" disabled={!config.demoLogin || !name.trim()}>
              Sign in
            </button>
          </form>
        )}
      </header>
      <main>
        {notice && (
          <p className={notice.kind === 'error' ? 'error' : 'info'} role={notice.kind === 'error' ? 'alert' : 'status'} data-testid="notice">
            {notice.text} <button onClick={() => setNotice(undefined)}>Dismiss</button>
          </p>
        )}
        {merge && (
          <section className="merge" data-testid="merge-report">
            <h2>Your guest cart was merged</h2>
            {merge.lines.length === 0 ? (
              <p>There was nothing in your guest cart.</p>
            ) : (
              <ul>
                {merge.lines.map((line) => (
                  <li key={line.productId} data-testid="merge-outcome" data-outcome={line.outcome}>
                    {line.name}: {OUTCOME_TEXT[line.outcome]} ({line.quantity})
                  </li>
                ))}
              </ul>
            )}
            <button onClick={() => setMerge(undefined)}>OK</button>
          </section>
        )}
        {page === '' && (
          <Catalog
            client={client}
            onAdd={async (productId, productName) => {
              const problem = await actions.add(productId);
              setNotice(problem ? { kind: 'error', text: problem } : { kind: 'info', text: `Added ${productName} to your cart.` });
            }}
          />
        )}
        {page === 'cart' && <CartPage client={client} cart={live.cart} actions={actions} report={report} signedIn={user !== undefined} />}
        {page === 'checkout' &&
          (user ? (
            <Checkout
              client={client}
              cart={live.cart}
              name={user.name}
              onPlaced={(order) => {
                setNotice({ kind: 'info', text: `Order ${order.number} placed: ${order.total.currencyCode} ${order.total.amount}.` });
                window.location.hash = `#/orders/${order.id}`;
              }}
            />
          ) : (
            <p>Sign in to check out.</p>
          ))}
        {page === 'orders' && (user ? <Orders client={client} selectedId={route[1]} /> : <p>Sign in to see your orders.</p>)}
      </main>
      <footer className="muted">
        Talks only to the public GraphQL API at <code>{config.gatewayUrl}</code> through <code>@cart-platform/sdk</code>.
      </footer>
    </>
  );
}
