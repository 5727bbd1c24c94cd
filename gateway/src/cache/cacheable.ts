/**
 * Which operations the response cache may store: queries whose every selected field is listed
 * below. A field is listed once every subgraph that resolves it notes the cache tags of what it
 * reads (`packages/server/src/cache-tags.ts`) and every writer of that data bumps them. A field
 * added to the schema is therefore not cached until someone has made it so and listed it here:
 * the safe default. (`cacheable.test.ts` checks that every listed field exists.)
 */
import type { DocumentNode, GraphQLSchema, OperationTypeNode } from 'graphql';
import { graphql } from '../graphql.ts';
import { unstorableLiteral } from '../input-guard.ts';
import { MAX_TOKENS } from '../limits.ts';

/** Type -> the fields of it a cached response may show. */
export const CACHEABLE_FIELDS: Readonly<Record<string, readonly string[]>> = {
  Query: ['cart', 'sharedCart', 'cartEvents', 'product', 'products', 'categories', 'shippingCountries', 'order', 'orders', 'coupon'],
  Address: ['name', 'line1', 'line2', 'city', 'postalCode', 'country'],
  AppliedDiscount: ['code', 'description', 'amount'],
  Availability: ['inStock', 'availableQuantity'],
  Cart: ['id', 'version', 'ownerType', 'lines', 'savedForLater', 'totalQuantity', 'subtotal', 'couponCodes', 'shippingCountry', 'expiresAt', 'updatedAt', 'cost', 'recommendations'],
  CartCost: ['subtotal', 'discounts', 'discountTotal', 'shipping', 'taxRate', 'tax', 'total', 'invalidCoupons', 'country', 'amountToFreeShipping'],
  CartEvent: ['version', 'type', 'at', 'lineId', 'productId', 'quantity'],
  CartLine: ['id', 'product', 'options', 'quantity', 'unitPrice', 'lineTotal', 'addedAt', 'updatedAt', 'currentUnitPrice', 'priceChanged'],
  Category: ['id', 'name', 'slug', 'path', 'parent'],
  Coupon: ['code', 'kind', 'value', 'description', 'minSubtotal', 'startsAt', 'endsAt', 'maxRedemptions', 'redemptions'],
  CouponProblem: ['code', 'reason', 'message'],
  Money: ['amount', 'currencyCode'],
  Order: ['id', 'number', 'status', 'createdAt', 'cancelledAt', 'lines', 'subtotal', 'discountTotal', 'shipping', 'tax', 'total', 'couponCodes', 'shippingAddress', 'payment'],
  OrderConnection: ['edges', 'pageInfo', 'totalCount'],
  OrderEdge: ['cursor', 'node'],
  OrderLine: ['product', 'sku', 'name', 'options', 'quantity', 'unitPrice', 'lineTotal'],
  PageInfo: ['hasNextPage', 'endCursor'],
  Payment: ['status', 'transactionId', 'amount'],
  Product: ['id', 'price', 'sku', 'name', 'description', 'brand', 'category', 'images', 'attributes', 'availability', 'frequentlyBoughtWith'],
  ProductConnection: ['edges', 'pageInfo', 'totalCount'],
  ProductEdge: ['cursor', 'node'],
  ShippingCountry: ['code', 'taxRate', 'shipping', 'freeShippingOver', 'isDefault'],
};

const allowed = new Set(Object.entries(CACHEABLE_FIELDS).flatMap(([type, fields]) => fields.map((f) => `${type}.${f}`)));

export interface DocumentInfo {
  /** The operation's type; undefined when the document cannot be parsed or names no such operation. */
  type: OperationTypeNode | undefined;
  /** The operation's name as the document gives it (for traces and metrics); undefined when anonymous. */
  name?: string;
  /** True when the response to it may be cached. */
  cacheable: boolean;
  /** Why the document does not parse (a syntax error, or more tokens than allowed). */
  parseError?: string;
  /** Where the document holds a string no database can store (NUL, lone surrogates). */
  unstorable?: string;
}

/** True when every field `document` selects (in any operation or fragment) is cacheable. */
function onlyCacheableFields(schema: GraphQLSchema, document: DocumentNode): boolean {
  const typeInfo = new graphql.TypeInfo(schema);
  let ok = true;
  graphql.visit(
    document,
    graphql.visitWithTypeInfo(typeInfo, {
      Field(node) {
        if (node.name.value === '__typename') return;
        const parent = typeInfo.getParentType();
        if (!parent || !allowed.has(`${parent.name}.${node.name.value}`)) {
          ok = false;
          return graphql.BREAK;
        }
      },
    }),
  );
  return ok;
}

/** Analyses each distinct (document, operation name) once; bounded. */
export function createDocumentAnalyser(schema: () => GraphQLSchema | undefined, max = 2_000) {
  const known = new Map<string, DocumentInfo>();
  return (query: string, operationName: string | undefined): DocumentInfo => {
    const key = `${operationName ?? ''}\u0000${query}`;
    let info = known.get(key);
    if (info) return info;
    const current = schema();
    info = { type: undefined, cacheable: false };
    try {
      const document = graphql.parse(query, { maxTokens: MAX_TOKENS, noLocation: true });
      const operation = graphql.getOperationAST(document, operationName);
      const unstorable = unstorableLiteral(document);
      if (operation && current) info = { type: operation.operation, cacheable: operation.operation === 'query' && onlyCacheableFields(current, document) };
      if (operation?.name) info.name = operation.name.value;
      if (unstorable) info = { ...info, cacheable: false, unstorable };
    } catch (error) {
      info = { type: undefined, cacheable: false, parseError: error instanceof Error ? error.message : 'the document does not parse' };
    }
    if (known.size >= max) known.delete(known.keys().next().value!);
    known.set(key, info);
    return info;
  };
}
