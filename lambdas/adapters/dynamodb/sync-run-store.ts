/**
 * The sync history (SyncRuns table: PK integrationId, SK runId). Run ids are ULIDs, so a
 * descending Query lists the newest runs first; items expire by TTL (`expiresAt`).
 */
import { type DynamoDBDocumentClient, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { lazily } from '../../core/lazily.js';
import { ValidationError } from '../../core/errors.js';
import type { SyncRunPage, SyncRunRepository } from '../../core/sync/ports.js';
import type { SyncProgress } from '../../core/sync/progress.js';
import type { SyncRun } from '../../core/sync/sync-run.js';
import { isConditionFailure, landed } from './conditions.js';
import { RECONCILE_SORT_KEY_PREFIX } from './reconcile-listing-store.js';

const cursorSchema = lazily(() => z.object({ integrationId: z.string(), runId: z.string() }).strict());

/** Opaque to clients: base64url of the last key; validated on the way back in. */
export const encodeCursor = (key: Record<string, unknown>): string =>
  Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');

export const decodeCursor = (cursor: string, integrationId: string): Record<string, unknown> => {
  try {
    const key = cursorSchema().parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    if (key.integrationId !== integrationId) throw new Error('cursor of another integration');
    return key;
  } catch {
    throw new ValidationError('cursor is not valid for this listing');
  }
};

const NOT_TERMINAL = '#status IN (:queued, :running, :retrying, :resumed)';
const notTerminalValues = {
  ':queued': 'queued',
  ':running': 'running',
  ':retrying': 'retrying',
  ':resumed': 'resumed',
};

export const createSyncRunStore = (doc: DynamoDBDocumentClient, tableName: string): SyncRunRepository => {
  const get = async (integrationId: string, runId: string): Promise<SyncRun | undefined> => {
    const { Item } = await doc.send(
      new GetCommand({ TableName: tableName, Key: { integrationId, runId }, ConsistentRead: true }),
    );
    return Item as SyncRun | undefined;
  };

  /** The whole progress in two SETs: idempotent, so a replayed page is harmless. */
  const progressUpdate = (progress: SyncProgress) => ({
    names: { '#resources': 'resources', '#calls': 'calls' } as Record<string, string>,
    values: { ':resources': progress.resources, ':calls': progress.calls } as Record<string, unknown>,
    sets: ['#resources = :resources', '#calls = :calls'],
  });

  return {
    get,

    async createIfAbsent(run) {
      try {
        await doc.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { integrationId: run.integrationId, runId: run.runId },
            UpdateExpression:
              'SET #trigger = :trigger, #status = :status, queuedAt = :queuedAt, expiresAt = :expiresAt',
            ConditionExpression: 'attribute_not_exists(runId)',
            ExpressionAttributeNames: { '#trigger': 'trigger', '#status': 'status' },
            ExpressionAttributeValues: {
              ':trigger': run.trigger,
              ':status': run.status,
              ':queuedAt': run.queuedAt,
              ':expiresAt': run.expiresAt,
            },
          }),
        );
        return run;
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
        const existing = await get(run.integrationId, run.runId);
        if (!existing) throw error;
        return existing;
      }
    },

    async list(integrationId, { limit, cursor }): Promise<SyncRunPage> {
      const page = await doc.send(
        new QueryCommand({
          TableName: tableName,
          // Runs only: the reconcile's listing items sort after every run id (reconcile-listing-store.ts).
          KeyConditionExpression: 'integrationId = :id AND runId < :notARun',
          ExpressionAttributeValues: { ':id': integrationId, ':notARun': RECONCILE_SORT_KEY_PREFIX },
          ScanIndexForward: false,
          Limit: limit,
          ExclusiveStartKey: cursor ? decodeCursor(cursor, integrationId) : undefined,
        }),
      );
      return {
        items: (page.Items ?? []) as SyncRun[],
        ...(page.LastEvaluatedKey ? { nextCursor: encodeCursor(page.LastEvaluatedKey) } : {}),
      };
    },

    async markRunning(integrationId, runId, now) {
      const { Attributes } = await doc.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { integrationId, runId },
          UpdateExpression:
            'SET #status = :running, startedAt = if_not_exists(startedAt, :now), ' +
            'invocations = if_not_exists(invocations, :zero) + :one',
          ConditionExpression: `attribute_exists(runId) AND ${NOT_TERMINAL}`,
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ...notTerminalValues,
            ':now': now,
            ':zero': 0,
            ':one': 1,
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return Attributes as SyncRun;
    },

    async saveProgress(integrationId, runId, progress) {
      const { names, values, sets } = progressUpdate(progress);
      await doc.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { integrationId, runId },
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: 'attribute_exists(runId)',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
    },

    async recordRetry(integrationId, runId, { lastError, nextAttemptAt }) {
      // Not landed when the run finished meanwhile: its outcome stands.
      await landed(
        doc.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { integrationId, runId },
            UpdateExpression: 'SET #status = :retrying, lastError = :lastError, nextAttemptAt = :next',
            ConditionExpression: `attribute_exists(runId) AND ${NOT_TERMINAL}`,
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ...notTerminalValues,
              ':lastError': lastError,
              ':next': nextAttemptAt,
            },
          }),
        ),
      );
    },

    async reopen(integrationId, runId, exhaustedMessageId, now) {
      return landed(
        doc.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { integrationId, runId },
            UpdateExpression:
              'SET #status = :resumed, resumedAt = :now REMOVE finishedAt, exhaustedMessageId, nextAttemptAt',
            ConditionExpression: '#status = :failed AND exhaustedMessageId = :exhausted',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ':resumed': 'resumed',
              ':failed': 'failed',
              ':exhausted': exhaustedMessageId,
              ':now': now,
            },
          }),
        ),
      );
    },

    async finish(integrationId, runId, outcome) {
      const update = outcome.progress
        ? progressUpdate(outcome.progress)
        : {
            names: {} as Record<string, string>,
            values: {} as Record<string, unknown>,
            sets: [] as string[],
          };
      const sets = [...update.sets, '#status = :status', 'finishedAt = :finishedAt'];
      const values: Record<string, unknown> = {
        ...update.values,
        ':status': outcome.status,
        ':finishedAt': outcome.finishedAt,
        ...notTerminalValues,
      };
      if (outcome.lastError !== undefined) {
        sets.push('lastError = :lastError');
        values[':lastError'] = outcome.lastError;
      }
      if (outcome.exhaustedMessageId !== undefined) {
        sets.push('exhaustedMessageId = :exhaustedMessageId');
        values[':exhaustedMessageId'] = outcome.exhaustedMessageId;
      }
      if (outcome.skipReason !== undefined) {
        sets.push('skipReason = :skipReason');
        values[':skipReason'] = outcome.skipReason;
      }
      if (outcome.healedBySync !== undefined) {
        sets.push('healedBySync = :healedBySync');
        values[':healedBySync'] = outcome.healedBySync;
      }
      if (outcome.resourceAttention !== undefined) {
        sets.push('resourceAttention = :resourceAttention');
        values[':resourceAttention'] = outcome.resourceAttention;
      }
      // Not landed when already terminal: the first outcome stands.
      return landed(
        doc.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { integrationId, runId },
            UpdateExpression: `SET ${sets.join(', ')}`,
            ConditionExpression: `attribute_exists(runId) AND ${NOT_TERMINAL}`,
            ExpressionAttributeNames: { ...update.names, '#status': 'status' },
            ExpressionAttributeValues: values,
          }),
        ),
      );
    },
  };
};
