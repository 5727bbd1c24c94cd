/**
 * Each subgraph's expected outcomes are listed once, in its SDL (the types implementing
 * `UserError`): codegen maps them to classes from that list, and the class registry that revives
 * stored outcomes must name exactly the same types.
 */
import { describe, expect, it } from 'vitest';
import { userErrorTypes } from '../codegen.ts';
import { ERROR_CLASSES as CART_ERRORS } from '../subgraphs/cart/src/services/errors.ts';
import { ERROR_CLASSES as CHECKOUT_ERRORS } from '../subgraphs/order/src/services/checkout/errors.ts';
import { ERROR_CLASSES as PRODUCT_ERRORS } from '../subgraphs/product/src/services/errors.ts';

describe('UserError types', () => {
  it.each([
    ['cart', CART_ERRORS],
    ['order', CHECKOUT_ERRORS],
    ['product', PRODUCT_ERRORS],
  ] as const)('the %s subgraph has one class per UserError type of its SDL, registered under its own name', (subgraph, classes) => {
    expect(Object.keys(classes).sort()).toEqual(userErrorTypes(subgraph));
    expect(Object.entries(classes).filter(([name, cls]) => cls.name !== name)).toEqual([]);
  });
});
