import { describe, expect, it } from 'vitest';
import { CartVersionGate } from './cart-sync.ts';

const cart = (id: string, version: number) => ({ id, version });

/** Feeds a sequence to a gate and returns the versions it let through, as `id@version`. */
function shown(steps: (['live', string, number] | ['snapshot', string | null, number?])[]): string[] {
  const gate = new CartVersionGate();
  const out: string[] = [];
  for (const [source, id, version] of steps) {
    if (source === 'live') {
      if (gate.offerLive(cart(id, version)).show) out.push(`${id}@${version}`);
    } else {
      const ticket = gate.beginSnapshot();
      if (gate.offerSnapshot(id === null ? null : cart(id, version!), ticket).show) out.push(id === null ? 'none' : `${id}@${version}`);
    }
  }
  return out;
}

describe('cart version gate', () => {
  it('shows live versions in order and drops repeated and older ones', () => {
    expect(shown([['live', 'a', 1], ['live', 'a', 2], ['live', 'a', 2], ['live', 'a', 1], ['live', 'a', 3]])).toEqual(['a@1', 'a@2', 'a@3']);
  });

  it('never lets a snapshot older than a live version through', () => {
    expect(shown([['snapshot', 'a', 3], ['live', 'a', 5], ['snapshot', 'a', 4], ['snapshot', 'a', 5], ['snapshot', 'a', 6]])).toEqual(['a@3', 'a@5', 'a@6']);
  });

  it('reports a gap when a live version skips ahead, with the version shown before it', () => {
    const gate = new CartVersionGate();
    gate.offerLive(cart('a', 2));
    expect(gate.offerLive(cart('a', 3))).toEqual({ show: true, gap: false, previousVersion: 2 });
    expect(gate.offerLive(cart('a', 6))).toEqual({ show: true, gap: true, previousVersion: 3 });
    expect(gate.current).toEqual({ cartId: 'a', version: 6 });
  });

  it('a snapshot jumping ahead is no gap (it is the whole cart)', () => {
    const gate = new CartVersionGate();
    gate.offerLive(cart('a', 2));
    expect(gate.offerSnapshot(cart('a', 9), gate.beginSnapshot())).toEqual({ show: true, gap: false, previousVersion: 2 });
  });

  it('follows the owner to a new cart id from its first version', () => {
    expect(shown([['live', 'guest', 4], ['live', 'user', 1], ['live', 'user', 2], ['live', 'user', 1]])).toEqual(['guest@4', 'user@1', 'user@2']);
  });

  it('shows "no cart" only before anything else; a later empty read does not hide a shown cart', () => {
    expect(shown([['snapshot', null], ['live', 'a', 1], ['snapshot', null], ['snapshot', 'a', 1]])).toEqual(['none', 'a@1']);
  });

  it('a read overtaken by a live update cannot switch back to another cart id', () => {
    const gate = new CartVersionGate();
    gate.offerLive(cart('old', 3));
    const ticket = gate.beginSnapshot(); // the read starts while "old" is shown...
    gate.offerLive(cart('new', 1)); // ...the owner's cart is replaced meanwhile...
    expect(gate.offerSnapshot(cart('old', 4), ticket)).toEqual({ show: false }); // ...and the read's answer is dropped
    expect(gate.current).toEqual({ cartId: 'new', version: 1 });
  });
});
