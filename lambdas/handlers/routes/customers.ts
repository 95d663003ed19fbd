/**
 * Read API of the mirrored customers (IAM-authorised), by key and index only:
 *   GET /organizations/{organizationId}/customers?status=&updatedSince=&limit=1..500&cursor=
 *       { items, nextCursor }   nextCursor null at the end; a page may be short and still continue
 *   GET /organizations/{organizationId}/customers/{shopifyId}   404 if absent
 */
import type { Router } from '@aws-lambda-powertools/event-handler/http';
import { z } from 'zod';
import { organizationIdSchema } from '../../core/integrations/connect-request.js';
import {
  type CustomerQueries,
  getCustomer,
  listCustomers,
  shopifyIdParamSchema,
} from '../../core/read-api/customer-listing.js';
import { json } from './json.js';

/** The path of one customer (documented in contract/route-contracts.ts; the core parses the same schemas). */
export const customerPath = z.object({
  organizationId: organizationIdSchema,
  shopifyId: shopifyIdParamSchema,
});

const queryOf = (req: Request) => Object.fromEntries(new URL(req.url).searchParams);

export const registerCustomerRoutes = (app: Router, queries: CustomerQueries): void => {
  app.get('/organizations/:organizationId/customers', async ({ params, req }) => {
    const listing = await listCustomers(params['organizationId'], queryOf(req), queries);
    return json(200, { items: listing.customers, nextCursor: listing.nextCursor });
  });

  app.get('/organizations/:organizationId/customers/:shopifyId', async ({ params }) =>
    json(200, await getCustomer(params['organizationId'], params['shopifyId'], queries)),
  );
};
