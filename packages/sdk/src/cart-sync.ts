/**
 * The version gate of live cart sync, without any I/O so it can be tested alone: it decides
 * which cart a device may show, so that it never shows an older cart than it already showed.
 *
 * Carts arrive from two places: live updates (the subscription) and snapshots (a fresh read of
 * `cart`, after connecting, after a reconnect or a version gap, or after the device's own
 * change). Within one cart, only a higher `version` is shown. A different cart id means the
 * owner's cart was replaced (a guest cart merged away, an expired cart started anew); the new
 * one is shown from whatever version it has.
 */

export interface VersionedCart {
  id: string;
  version: number;
}

export type GateDecision =
  /** Show it: newer than what is shown. `gap` when versions between were never seen. */
  | { show: true; gap: boolean; previousVersion: number | undefined }
  /** Drop it: not newer than what is shown. */
  | { show: false };

export class CartVersionGate {
  private cartId: string | undefined;
  private version: number | undefined;
  /** True once anything (a cart, or the fact that there is none) has been shown. */
  private known = false;
  /** Live carts shown so far: a read that a live cart overtook cannot switch carts. */
  private liveShown = 0;

  /** The cart shown last: its id and version (undefined before the first, or when there is none). */
  get current(): { cartId: string; version: number } | undefined {
    return this.cartId !== undefined && this.version !== undefined ? { cartId: this.cartId, version: this.version } : undefined;
  }

  /** A cart from the subscription. */
  offerLive(cart: VersionedCart): GateDecision {
    const decision = this.offer(cart, true);
    if (decision.show) this.liveShown++;
    return decision;
  }

  /** Call when a read starts; pass what it returns to `offerSnapshot` with the read's cart. */
  beginSnapshot(): number {
    return this.liveShown;
  }

  /**
   * A cart (or `null`: the caller has none) from a fresh read begun at `ticket`. A read never
   * replaces a shown cart with "none", and a read that a live update overtook never switches to
   * another cart id: in both cases the read may be older than what the subscription showed.
   */
  offerSnapshot(cart: VersionedCart | null, ticket: number): GateDecision {
    if (cart === null) {
      if (this.known) return { show: false };
      this.known = true;
      return { show: true, gap: false, previousVersion: undefined };
    }
    if (this.cartId !== undefined && cart.id !== this.cartId && ticket !== this.liveShown) return { show: false };
    return this.offer(cart, false);
  }

  private offer(cart: VersionedCart, live: boolean): GateDecision {
    const previousVersion = this.version;
    if (cart.id === this.cartId && previousVersion !== undefined) {
      if (cart.version <= previousVersion) return { show: false };
      this.version = cart.version;
      return { show: true, gap: live && cart.version > previousVersion + 1, previousVersion };
    }
    // The first cart, or the owner's cart was replaced: shown whole, whatever its version.
    this.cartId = cart.id;
    this.version = cart.version;
    this.known = true;
    return { show: true, gap: false, previousVersion: undefined };
  }
}
