/** Shopify's cap on the requested cost of a single query. */
export const MAX_QUERY_COST = 1000;
/** Shopify's cap on `first`. */
export const MAX_PAGE_SIZE = 250;

/**
 * What Shopify charges up front for one page of a resource's document, by its cost rules: each
 * object 1, scalars and enums 0, a connection 2 + `first` × the cost of one node.
 */
export interface PageCost {
  /** The connection itself and any objects outside it. */
  readonly perQuery: number;
  /** One node and the objects selected inside it. */
  readonly perNode: number;
}

export const requestedCostOf = (cost: PageCost, first: number): number =>
  cost.perQuery + first * cost.perNode;

/** The largest page (1…250) whose requested cost fits `budget` points. */
export const largestPageWithin = (cost: PageCost, budget: number): number =>
  Math.max(
    1,
    Math.min(MAX_PAGE_SIZE, Math.floor((budget - cost.perQuery) / Math.max(cost.perNode, Number.EPSILON))),
  );
