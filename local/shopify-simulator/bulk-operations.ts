/**
 * Bulk operations on the simulator's data and schema: `bulkOperationRunQuery`, `bulkOperation(id)`,
 * `bulkOperations`, a JSONL result file served over HTTP behind an expiring URL, the
 * BULK_OPERATIONS_FINISH webhook, and injected outcomes (FAILED, CANCELED, EXPIRED, partial data,
 * an expired URL, the per-shop concurrency limit).
 *
 * Shopify's documented behaviour, as modelled here:
 * - The query is a plain query (no variables, no pagination arguments needed) with at least one
 *   connection, at most five connections, and connections nested at most two levels deep. A node
 *   whose nested connection is selected must select `id` (child lines point at it by `__parentId`).
 * - The result is JSONL: one line per node of every connection, nested connection nodes on their
 *   own lines with `__parentId`, never embedded in their parent. With `groupObjects: true` each
 *   parent's children follow it directly; with `groupObjects: false` (the default since 2026-01,
 *   faster for Shopify) nothing keeps them together: here every top-level node comes first and
 *   the children after them all, so a reader that needs grouping and did not ask for it fails.
 * - Operations move CREATED → RUNNING → COMPLETED (or FAILED/CANCELED/EXPIRED); clients poll
 *   `bulkOperation(id)`. The simulator advances one step per poll so clients really poll.
 * - Bulk operations do not draw on the cost bucket.
 */
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import {
  type DocumentNode,
  executeSync,
  type FieldNode,
  type GraphQLSchema,
  getNamedType,
  isObjectType,
  Kind,
  OperationTypeNode,
  parse,
  type SelectionSetNode,
  validate,
} from 'graphql';
import { z } from 'zod';
import type { Clock } from './clock.js';
import { type Keyed, paginate, type PageArgs, type PaginationLimit } from './connection.js';
import { simulatorFieldResolver } from './field-resolver.js';
import { graphqlDateTime } from './time-format.js';

/** What bulk operations need of their shop. */
export interface BulkShop {
  readonly domain: string;
  paginationLimit(): PaginationLimit;
  emit(topic: string, body: string): void;
}

/** The shop's GraphQL root for a bulk operation's run (every item, no page limit). */
export type UnboundedRoot = (apiVersion: string) => Record<string, unknown>;

type Status = 'CREATED' | 'RUNNING' | 'COMPLETED' | 'FAILED' | 'CANCELED' | 'CANCELING' | 'EXPIRED';

export const bulkOutcomeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('completed') }),
  z.object({
    kind: z.literal('failed'),
    errorCode: z.enum(['INTERNAL_SERVER_ERROR', 'TIMEOUT', 'ACCESS_DENIED']).optional(),
  }),
  z.object({ kind: z.literal('partial'), lines: z.number().int().nonnegative() }),
  z.object({ kind: z.literal('canceled') }),
  z.object({ kind: z.literal('expired') }),
  z.object({ kind: z.literal('urlExpired') }),
]);

export const bulkSettingsSchema = z
  .object({
    /** Outcomes for the next operations, one each, in order; then operations complete normally. */
    outcomes: z.array(bulkOutcomeSchema).optional(),
    maxConcurrent: z.number().int().positive().optional(),
    pollsToFinish: z.number().int().nonnegative().optional(),
    urlTtlMs: z.number().int().optional(),
    finishAfterMs: z.number().int().nonnegative().optional(),
  })
  .strict();
export type BulkSettings = z.infer<typeof bulkSettingsSchema>;

/** What the next operation of a shop meets; consumed one per operation, in order. */
export type BulkOutcome =
  | { readonly kind: 'completed' }
  | { readonly kind: 'failed'; readonly errorCode?: 'INTERNAL_SERVER_ERROR' | 'TIMEOUT' | 'ACCESS_DENIED' }
  /** FAILED after writing part of the file: `partialDataUrl` holds the first `lines` lines. */
  | { readonly kind: 'partial'; readonly lines: number }
  | { readonly kind: 'canceled' }
  | { readonly kind: 'expired' }
  /** COMPLETED, but the URL has already expired when the client fetches it. */
  | { readonly kind: 'urlExpired' };

export interface BulkOperationRecord {
  readonly id: string;
  readonly query: string;
  readonly createdAt: number;
  status: Status;
  completedAt: number | null;
  errorCode: string | null;
  objectCount: number;
  rootObjectCount: number;
  fileSize: number | null;
  url: string | null;
  partialDataUrl: string | null;
  /** Polls left before the operation finishes. */
  pollsLeft: number;
  readonly lines: readonly string[];
  readonly outcome: BulkOutcome;
}

interface ResultFile {
  readonly lines: readonly string[];
  readonly expiresAt: number;
}

export const bulkResultsPrefix = '/bulk-results/';
/** Shopify's result URLs are valid for a week. */
const defaultUrlTtlMs = 7 * 24 * 60 * 60_000;
const MAX_CONNECTIONS = 5;
const MAX_CONNECTION_DEPTH = 2;

export class BulkQueryError extends Error {
  override readonly name = 'BulkQueryError';
}

/** The bulk operations of one shop. */
export class ShopBulkOperations {
  private readonly operations = new Map<string, BulkOperationRecord>();
  private nextId = 1_000_001;
  private outcomes: BulkOutcome[] = [];
  /** Concurrent bulk query operations per shop (Shopify allows a few; 1 in older versions). */
  maxConcurrent = 1;
  /** Polls of `bulkOperation` before an operation finishes (the first moves it to RUNNING). */
  pollsToFinish = 2;
  /** An operation nobody polls finishes after this long (another client's, in tests). */
  finishAfterMs = 60_000;
  urlTtlMs = defaultUrlTtlMs;

  constructor(
    private readonly shop: BulkShop,
    private readonly clock: Clock,
    private readonly files: BulkResultFiles,
    private readonly unboundedRoot: UnboundedRoot,
  ) {}

  configure(settings: BulkSettings): void {
    if (settings.outcomes) this.outcomes = [...settings.outcomes];
    if (settings.maxConcurrent !== undefined) this.maxConcurrent = settings.maxConcurrent;
    if (settings.pollsToFinish !== undefined) this.pollsToFinish = settings.pollsToFinish;
    if (settings.urlTtlMs !== undefined) this.urlTtlMs = settings.urlTtlMs;
    if (settings.finishAfterMs !== undefined) this.finishAfterMs = settings.finishAfterMs;
  }

  all(): BulkOperationRecord[] {
    return [...this.operations.values()];
  }

  running(): BulkOperationRecord[] {
    // Real operations finish on their own; here after `finishAfterMs`, or after enough polls.
    for (const op of this.operations.values())
      if (
        (op.status === 'CREATED' || op.status === 'RUNNING') &&
        this.clock.now() - op.createdAt >= this.finishAfterMs
      )
        this.finish(op);
    return this.all().filter((op) => op.status === 'CREATED' || op.status === 'RUNNING');
  }

  /** bulkOperationRunQuery: validates, snapshots the data, and starts the operation. */
  run(
    schema: GraphQLSchema,
    apiVersion: string,
    query: string,
    groupObjects = false,
  ): { operation?: BulkOperationRecord; userErrors: { field: string[]; message: string; code: string }[] } {
    const invalid = (message: string) => ({ userErrors: [{ field: ['query'], message, code: 'INVALID' }] });
    let document: DocumentNode;
    try {
      document = validateBulkQuery(schema, query);
    } catch (error) {
      return invalid(error instanceof Error ? error.message : String(error));
    }
    if (this.running().length >= this.maxConcurrent) {
      return {
        userErrors: [
          {
            field: ['query'],
            message: `A bulk query operation for this app and shop is already in progress: ${this.running()[0]!.id}.`,
            code: this.maxConcurrent > 1 ? 'LIMIT_REACHED' : 'OPERATION_IN_PROGRESS',
          },
        ],
      };
    }
    const result = executeSync({
      schema,
      document,
      rootValue: this.unboundedRoot(apiVersion),
      fieldResolver: simulatorFieldResolver,
    });
    if (result.errors?.length) return invalid(result.errors.map((e) => e.message).join('; '));
    const { lines } = toJsonl(result.data ?? {}, { grouped: groupObjects });
    const operation: BulkOperationRecord = {
      id: `gid://shopify/BulkOperation/${this.nextId++}`,
      query,
      createdAt: this.clock.now(),
      status: 'CREATED',
      completedAt: null,
      errorCode: null,
      objectCount: 0,
      rootObjectCount: 0,
      fileSize: null,
      url: null,
      partialDataUrl: null,
      pollsLeft: this.pollsToFinish,
      lines,
      outcome: this.outcomes.shift() ?? { kind: 'completed' },
    };
    this.operations.set(operation.id, operation);
    if (operation.pollsLeft <= 0) this.finish(operation);
    return { operation, userErrors: [] };
  }

  /** bulkOperation(id): one step forward per poll, like a real operation making progress. */
  poll(id: string): BulkOperationRecord | undefined {
    const operation = this.operations.get(id);
    if (!operation) return undefined;
    if (operation.status === 'CREATED' || operation.status === 'RUNNING') {
      operation.pollsLeft -= 1;
      if (operation.pollsLeft <= 0) this.finish(operation);
      else {
        operation.status = 'RUNNING';
        operation.objectCount = Math.floor(operation.lines.length / 2);
      }
    }
    return operation;
  }

  cancel(id: string): BulkOperationRecord | undefined {
    const operation = this.operations.get(id);
    if (operation && (operation.status === 'CREATED' || operation.status === 'RUNNING')) {
      operation.status = 'CANCELED';
      operation.completedAt = this.clock.now();
      this.announce(operation);
    }
    return operation;
  }

  private finish(operation: BulkOperationRecord): void {
    const now = this.clock.now();
    operation.completedAt = now;
    const { outcome } = operation;
    const publish = (lines: readonly string[], ttlMs: number) =>
      this.files.publish(lines, now + ttlMs, this.shop.domain);
    switch (outcome.kind) {
      case 'completed':
      case 'urlExpired':
        operation.status = 'COMPLETED';
        operation.objectCount = operation.lines.length;
        operation.rootObjectCount = operation.lines.filter((l) => !l.includes('"__parentId"')).length;
        operation.fileSize = operation.lines.reduce((size, line) => size + Buffer.byteLength(line) + 1, 0);
        // Shopify answers url: null when the query matched nothing.
        operation.url =
          operation.lines.length === 0
            ? null
            : publish(operation.lines, outcome.kind === 'urlExpired' ? -1 : this.urlTtlMs);
        break;
      case 'failed':
        operation.status = 'FAILED';
        operation.errorCode = outcome.errorCode ?? 'INTERNAL_SERVER_ERROR';
        break;
      case 'partial':
        operation.status = 'FAILED';
        operation.errorCode = 'TIMEOUT';
        operation.objectCount = Math.min(outcome.lines, operation.lines.length);
        operation.partialDataUrl = publish(operation.lines.slice(0, outcome.lines), this.urlTtlMs);
        break;
      case 'canceled':
        operation.status = 'CANCELED';
        break;
      case 'expired':
        operation.status = 'EXPIRED';
        break;
    }
    this.announce(operation);
  }

  private announce(operation: BulkOperationRecord): void {
    this.shop.emit(
      'BULK_OPERATIONS_FINISH',
      JSON.stringify({
        admin_graphql_api_id: operation.id,
        completed_at: operation.completedAt === null ? null : new Date(operation.completedAt).toISOString(),
        created_at: new Date(operation.createdAt).toISOString(),
        error_code: operation.errorCode?.toLowerCase() ?? null,
        status: operation.status.toLowerCase(),
        type: 'query',
      }),
    );
  }
}

/** The result files of every shop, served at `${baseUrl}${bulkResultsPrefix}<token>.jsonl`. */
export class BulkResultFiles {
  private readonly files = new Map<string, ResultFile>();
  baseUrl = '';

  constructor(private readonly clock: Clock) {}

  publish(lines: readonly string[], expiresAt: number, shopDomain: string): string {
    const token = `${shopDomain.replace(/\W/g, '-')}-${randomUUID()}`;
    this.files.set(token, { lines, expiresAt });
    // Like a signed storage URL: the expiry is part of it, and after it the server says 403.
    return `${this.baseUrl}${bulkResultsPrefix}${token}.jsonl?Expires=${Math.floor(expiresAt / 1000)}`;
  }

  /** Streams the file, one write per line batch, honouring backpressure. */
  async serve(path: string, response: ServerResponse): Promise<void> {
    const token = path.slice(bulkResultsPrefix.length).replace(/\.jsonl$/, '');
    const file = this.files.get(token);
    if (!file) {
      response
        .writeHead(404, { 'Content-Type': 'application/xml' })
        .end('<Error><Code>NoSuchKey</Code></Error>');
      return;
    }
    if (this.clock.now() >= file.expiresAt) {
      response
        .writeHead(403, { 'Content-Type': 'application/xml' })
        .end('<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>');
      return;
    }
    response.writeHead(200, { 'Content-Type': 'application/jsonl' });
    const batch = 500;
    for (let start = 0; start < file.lines.length; start += batch) {
      const chunk = file.lines.slice(start, start + batch).join('\n') + '\n';
      if (!response.write(chunk)) await new Promise((resolve) => response.once('drain', resolve));
      if (response.destroyed) return;
    }
    response.end();
  }
}

/** GraphQL views of an operation. */
export const bulkOperationView = (operation: BulkOperationRecord) => ({
  __typename: 'BulkOperation',
  id: operation.id,
  status: operation.status,
  errorCode: operation.errorCode,
  createdAt: graphqlDateTime(operation.createdAt),
  completedAt: operation.completedAt === null ? null : graphqlDateTime(operation.completedAt),
  objectCount: String(operation.objectCount),
  rootObjectCount: String(operation.rootObjectCount),
  fileSize: operation.fileSize === null ? null : String(operation.fileSize),
  url: operation.url,
  partialDataUrl: operation.partialDataUrl,
  query: operation.query,
  type: 'QUERY',
});

/** Root fields for the executor: the bulk query and mutation fields of one shop. */
export const bulkRootFields = (
  shop: BulkShop,
  bulk: ShopBulkOperations,
  schema: GraphQLSchema,
  apiVersion: string,
) => ({
  bulkOperation: (args: Record<string, unknown>) => {
    const operation = typeof args['id'] === 'string' ? bulk.poll(args['id']) : undefined;
    return operation ? bulkOperationView(operation) : null;
  },
  bulkOperations: (args: Record<string, unknown>) => {
    const entries: Keyed<BulkOperationRecord>[] = bulk.all().map((operation) => ({
      item: operation,
      key: { value: BigInt(operation.createdAt), id: BigInt(operation.id.split('/').pop()!) },
    }));
    const page = paginate(
      entries,
      { ...(args as PageArgs), reverse: args['reverse'] as boolean },
      shop.paginationLimit(),
    );
    return {
      nodes: page.nodes.map(bulkOperationView),
      edges: page.edges.map((edge) => ({ cursor: edge.cursor, node: bulkOperationView(edge.node) })),
      pageInfo: page.pageInfo,
    };
  },
  bulkOperationRunQuery: (args: Record<string, unknown>) => {
    const { operation, userErrors } = bulk.run(
      schema,
      apiVersion,
      String(args['query']),
      args['groupObjects'] === true,
    );
    return { bulkOperation: operation ? bulkOperationView(operation) : null, userErrors };
  },
  bulkOperationCancel: (args: Record<string, unknown>) => {
    const operation = bulk.cancel(String(args['id']));
    return operation
      ? { bulkOperation: bulkOperationView(operation), userErrors: [] }
      : { bulkOperation: null, userErrors: [{ field: ['id'], message: 'Bulk operation does not exist' }] };
  },
});

/** Parses and checks a bulk query against the schema and Shopify's bulk restrictions. */
export function validateBulkQuery(schema: GraphQLSchema, query: string): DocumentNode {
  let document: DocumentNode;
  try {
    document = parse(query);
  } catch (error) {
    throw new BulkQueryError(`Invalid bulk query: ${(error as Error).message}`);
  }
  const operations = document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
  if (operations.length !== 1 || operations[0]!.operation !== OperationTypeNode.QUERY)
    throw new BulkQueryError('Bulk queries must contain exactly one query operation.');
  if (operations[0]!.variableDefinitions?.length)
    throw new BulkQueryError('Bulk queries cannot use variables.');
  const errors = validate(schema, document);
  if (errors.length > 0) throw new BulkQueryError(`Invalid bulk query: ${errors[0]!.message}`);

  const fragments = new Map(
    document.definitions.flatMap((d) =>
      d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d] as const] : [],
    ),
  );
  let connections = 0;
  const walk = (selectionSet: SelectionSetNode, parentType: string, depth: number): void => {
    const type = schema.getType(parentType);
    if (!type || !isObjectTypeLike(type)) return;
    const fields = fieldsOf(selectionSet, fragments);
    for (const field of fields) {
      const definition = type.getFields()[field.name.value];
      if (!definition || !field.selectionSet) continue;
      const named = getNamedType(definition.type);
      if (named.name.endsWith('Connection')) {
        connections += 1;
        if (depth + 1 > MAX_CONNECTION_DEPTH)
          throw new BulkQueryError(
            `Bulk queries cannot contain connections with a nesting depth greater than ${MAX_CONNECTION_DEPTH}.`,
          );
        if (depth > 0 && !fields.some((f) => f.name.value === 'id'))
          throw new BulkQueryError(
            `The parent node of the nested connection ${field.name.value} must select the id field.`,
          );
        const nodeType = getNamedType(
          (isObjectType(named) ? named.getFields()['nodes']?.type : undefined) ?? definition.type,
        );
        for (const inner of fieldsOf(field.selectionSet, fragments)) {
          if (inner.name.value === 'nodes' && inner.selectionSet)
            walk(inner.selectionSet, nodeType.name, depth + 1);
          if (inner.name.value === 'edges' && inner.selectionSet)
            for (const edgeField of fieldsOf(inner.selectionSet, fragments))
              if (edgeField.name.value === 'node' && edgeField.selectionSet)
                walk(edgeField.selectionSet, nodeType.name, depth + 1);
        }
      } else {
        walk(field.selectionSet, named.name, depth);
      }
    }
  };
  walk(operations[0]!.selectionSet, schema.getQueryType()!.name, 0);
  if (connections === 0) throw new BulkQueryError('Bulk queries must contain at least one connection.');
  if (connections > MAX_CONNECTIONS)
    throw new BulkQueryError(`Bulk queries cannot contain more than ${MAX_CONNECTIONS} connections.`);
  return document;
}

const isObjectTypeLike = (type: unknown): type is { getFields(): Record<string, { type: never }> } =>
  typeof (type as { getFields?: unknown }).getFields === 'function';

function fieldsOf(
  selectionSet: SelectionSetNode,
  fragments: ReadonlyMap<string, { selectionSet: SelectionSetNode }>,
): FieldNode[] {
  return selectionSet.selections.flatMap((selection) => {
    if (selection.kind === Kind.FIELD) return [selection];
    if (selection.kind === Kind.INLINE_FRAGMENT) return fieldsOf(selection.selectionSet, fragments);
    const fragment = fragments.get(selection.name.value);
    return fragment ? fieldsOf(fragment.selectionSet, fragments) : [];
  });
}

/**
 * Flattens an executed result into Shopify's JSONL: every node of a connection on its own line,
 * its nested connections removed from it and written with `__parentId`: right after it when
 * `grouped`, else after every top-level node.
 */
export function toJsonl(
  data: Record<string, unknown>,
  { grouped = true }: { readonly grouped?: boolean } = {},
): { lines: string[]; roots: number } {
  const lines: string[] = [];
  const later: string[] = [];
  let roots = 0;
  const connectionNodes = (value: unknown): Record<string, unknown>[] | undefined => {
    if (value === null || typeof value !== 'object') return undefined;
    const connection = value as { nodes?: unknown; edges?: unknown };
    if (Array.isArray(connection.nodes)) return connection.nodes as Record<string, unknown>[];
    if (Array.isArray(connection.edges))
      return (connection.edges as { node: Record<string, unknown> }[]).map((edge) => edge.node);
    return undefined;
  };
  const emit = (node: Record<string, unknown>, parentId: string | undefined): void => {
    const own: Record<string, unknown> = {};
    const children: Record<string, unknown>[][] = [];
    for (const [key, value] of Object.entries(node)) {
      const nested = connectionNodes(value);
      if (nested) children.push(nested);
      else own[key] = value;
    }
    if (parentId !== undefined) own['__parentId'] = parentId;
    else roots += 1;
    (parentId === undefined || grouped ? lines : later).push(JSON.stringify(own));
    for (const list of children) for (const child of list) emit(child, String(node['id']));
  };
  const visitValue = (value: unknown): void => {
    const nodes = connectionNodes(value);
    if (nodes) {
      for (const node of nodes) emit(node, undefined);
      return;
    }
    if (value !== null && typeof value === 'object')
      for (const inner of Object.values(value as Record<string, unknown>)) visitValue(inner);
  };
  visitValue(data);
  return { lines: [...lines, ...later], roots };
}
