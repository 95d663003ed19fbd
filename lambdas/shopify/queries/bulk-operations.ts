/**
 * Bulk operations: start one, then follow it by id (`currentBulkOperation` is deprecated in
 * 2026-10). The query a bulk operation runs is a resource's own document (e.g. customers.ts).
 * `groupObjects` (default false since 2026-01) puts each node's nested children right after it:
 * slower for Shopify, so asked for only by a query with a nested connection.
 */
export const bulkOperationRunQueryMutation = /* GraphQL */ `
  mutation BulkOperationRunQuery($query: String!, $groupObjects: Boolean!) {
    bulkOperationRunQuery(query: $query, groupObjects: $groupObjects) {
      bulkOperation {
        id
        status
        createdAt
      }
      userErrors {
        field
        message
        code
      }
    }
  }
`;

export const bulkOperationQuery = /* GraphQL */ `
  query BulkOperation($id: ID!) {
    bulkOperation(id: $id) {
      id
      status
      errorCode
      createdAt
      completedAt
      objectCount
      url
      partialDataUrl
    }
  }
`;
