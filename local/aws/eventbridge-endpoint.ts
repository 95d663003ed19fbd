import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { type AwsJsonService, parseInput } from './json-protocol.js';

/** One event as a rule on the bus would see it (the envelope's fields that matter here). */
export interface RecordedEvent {
  readonly id: string;
  readonly time: string;
  readonly eventBusName: string;
  readonly source: string;
  readonly detailType: string;
  readonly detail: unknown;
}

export interface LocalEventBridge {
  readonly service: AwsJsonService;
  /** Every event put so far, oldest first. */
  readonly events: readonly RecordedEvent[];
  /** Events of one detail-type, e.g. `Sync Completed`. */
  ofType(detailType: string): readonly RecordedEvent[];
}

// EventBridge's own limits: 10 entries per call, 256 KB per event.
const putEventsInput = z.object({
  Entries: z
    .array(
      z.object({
        Source: z.string().min(1),
        DetailType: z.string().min(1),
        Detail: z.string().min(2).max(262_144),
        EventBusName: z.string().optional(),
        Time: z.union([z.number(), z.string()]).optional(),
      }),
    )
    .min(1)
    .max(10),
});

/**
 * EventBridge (AWS JSON 1.1, `AWSEvents.PutEvents`): records each event and prints one line per
 * event, so `npm start` shows what the SaaS backend would receive and tests can assert it.
 */
export function createLocalEventBridge(log: (line: string) => void): LocalEventBridge {
  const events: RecordedEvent[] = [];
  return {
    events,
    ofType: (detailType) => events.filter((event) => event.detailType === detailType),
    service: {
      targetPrefix: 'AWSEvents',
      jsonVersion: '1.1',
      operations: {
        PutEvents: (input) => {
          const { Entries } = parseInput(putEventsInput, input);
          const results = Entries.map((entry) => {
            let detail: unknown;
            try {
              detail = JSON.parse(entry.Detail);
            } catch {
              return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is not valid JSON' };
            }
            const event: RecordedEvent = {
              id: randomUUID(),
              time: new Date().toISOString(),
              eventBusName: entry.EventBusName ?? 'default',
              source: entry.Source,
              detailType: entry.DetailType,
              detail,
            };
            events.push(event);
            log(`[events] ${event.eventBusName} ${event.source} "${event.detailType}" ${entry.Detail}`);
            return { EventId: event.id };
          });
          return {
            FailedEntryCount: results.filter((result) => 'ErrorCode' in result).length,
            Entries: results,
          };
        },
      },
    },
  };
}
