/**
 * Read API of every mirrored resource (IAM-authorised), by key and index only, one pair of routes
 * per resource definition (paths in catalog.ts):
 *   GET /organizations/{organizationId}/{resource}?status=&updatedSince=&limit=1..500&cursor=
 *       (+ a resource's lookups, e.g. orders ?customerId=)
 *       { items, nextCursor }   nextCursor null at the end; a page may be short and still continue
 *   GET /organizations/{organizationId}/{resource}/{shopifyId}   404 if absent
 */
import type { ApiRouter } from './route-table.js';
import { getRecord, listRecords, type RecordQueries } from '../../core/read-api/record-listing.js';
import type { ResourceDefinition } from '../../resources/kit/definition.js';
import { json } from './json.js';

export interface RecordReader {
  readonly definition: Pick<ResourceDefinition<unknown>, 'name' | 'gidType' | 'table'>;
  readonly queries: RecordQueries;
}

const queryOf = (req: Request) => Object.fromEntries(new URL(req.url).searchParams);

export const registerRecordRoutes = (app: ApiRouter, readers: readonly RecordReader[]): void => {
  for (const { definition, queries } of readers) {
    const { name, gidType, table } = definition;
    app.get(`/organizations/:organizationId/${name}`, async ({ params, req }) => {
      const listing = await listRecords(table.lookups, params['organizationId'], queryOf(req), queries);
      return json(200, listing);
    });

    app.get(`/organizations/:organizationId/${name}/:shopifyId`, async ({ params }) =>
      json(200, await getRecord(gidType, params['organizationId'], params['shopifyId'], queries)),
    );
  }
};
