import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { type BackendEvent, type BackendEvents, EVENT_SOURCE } from '../../core/events/backend-events.js';

/** PutEvents takes at most 10 entries per call. */
const MAX_ENTRIES = 10;

export class EventsNotPublishedError extends Error {
  override readonly name = 'EventsNotPublishedError';
}

/**
 * Backend events on an EventBridge bus (`EVENT_BUS_NAME`: the account's `default` bus or the
 * stack's own), with `source: shopify-sync` and the event name as `detail-type`. Entries
 * EventBridge refuses are retried once; what is still refused is reported as an error, which the
 * core logs (core/events: publishing never fails the work it reports on).
 */
export const createEventBridgeEvents = (options: {
  readonly client?: EventBridgeClient;
  readonly eventBusName: string;
}): BackendEvents => {
  const client = options.client ?? new EventBridgeClient({});
  const put = async (entries: PutEventsRequestEntry[]): Promise<PutEventsRequestEntry[]> => {
    const result = await client.send(new PutEventsCommand({ Entries: entries }));
    if (!result.FailedEntryCount) return [];
    return entries.filter((_, index) => result.Entries?.[index]?.ErrorCode);
  };
  return {
    async publish(events: readonly BackendEvent[]) {
      const entries = events.map((event): PutEventsRequestEntry => ({
        EventBusName: options.eventBusName,
        Source: EVENT_SOURCE,
        DetailType: event.type,
        Detail: JSON.stringify(event.detail),
      }));
      for (let start = 0; start < entries.length; start += MAX_ENTRIES) {
        const chunk = entries.slice(start, start + MAX_ENTRIES);
        const failed = await put(chunk);
        const stillFailed = failed.length > 0 ? await put(failed) : [];
        if (stillFailed.length > 0)
          throw new EventsNotPublishedError(
            `EventBridge refused ${stillFailed.length} event(s): ${stillFailed.map((e) => e.DetailType).join(', ')}`,
          );
      }
    },
  };
};
