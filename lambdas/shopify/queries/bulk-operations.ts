/**
 * Bulk operations: start one, then follow it by id (`currentBulkOperation` is deprecated in
 * 2026-10). The query a bulk operation runs is a resource's own document (e.g. customers.ts).
 */
export const bulkOperationRunQueryMutation = /* GraphQL */ `
  mutation BulkOperationRunQuery($query: String!) {
    bulkOperationRunQuery(query: $query, groupObjects: false) {
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
