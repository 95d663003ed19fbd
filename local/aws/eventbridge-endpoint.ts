import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { type AwsJsonService, parseInput } from './json-protocol.js';
import { localAccountId, localRegion } from './local-identity.js';

/** One event as a rule on the bus would see it (the envelope's fields that matter here). */
export interface RecordedEvent {
  readonly id: string;
  readonly time: string;
  readonly eventBusName: string;
  readonly source: string;
  readonly detailType: string;
  readonly detail: unknown;
}

/**
 * A rule with one target: events on `eventBusName` whose source and detail-type match are handed
 * to `target` as the event's JSON text, as EventBridge delivers them to an SQS queue. A target
 * that throws fails the entry (`FailedEntryCount`), as a full queue would.
 */
export interface LocalRule {
  readonly eventBusName: string;
  readonly source: string;
  readonly detailType: string;
  readonly target: (eventText: string) => void;
}

export interface LocalEventBridge {
  readonly service: AwsJsonService;
  /** Every event put so far, oldest first. */
  readonly events: readonly RecordedEvent[];
  /** Events of one detail-type, e.g. `Sync Completed`. */
  ofType(detailType: string): readonly RecordedEvent[];
  addRule(rule: LocalRule): void;
}

// EventBridge's own limits: 10 entries per call, 1 MiB per event (raised from 256 KB in 2026).
const putEventsInput = z.object({
  Entries: z
    .array(
      z.object({
        Source: z.string().min(1),
        DetailType: z.string().min(1),
        Detail: z.string().min(2).max(1_048_576),
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
  const rules: LocalRule[] = [];
  /** The event as a rule's SQS target receives it; `detail` is the entry's own text, never re-serialised. */
  const eventText = (event: RecordedEvent, detail: string): string =>
    `{"version":"0","id":${JSON.stringify(event.id)},"detail-type":${JSON.stringify(event.detailType)},` +
    `"source":${JSON.stringify(event.source)},"account":"${localAccountId}","time":"${event.time.replace(/\.\d+Z$/, 'Z')}",` +
    `"region":"${localRegion}","resources":[],"detail":${detail}}`;
  const route = (event: RecordedEvent, detail: string) => {
    for (const rule of rules) {
      if (rule.eventBusName !== event.eventBusName || rule.source !== event.source) continue;
      if (rule.detailType === event.detailType) rule.target(eventText(event, detail));
    }
  };
  return {
    events,
    ofType: (detailType) => events.filter((event) => event.detailType === detailType),
    addRule: (rule) => rules.push(rule),
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
            try {
              route(event, entry.Detail);
            } catch (error) {
              return { ErrorCode: 'InternalFailure', ErrorMessage: (error as Error).message };
            }
            events.push(event);
            // A webhook body carries personal data: only its size is printed.
            const shown = rules.some((rule) => rule.eventBusName === event.eventBusName)
              ? `(${entry.Detail.length} bytes)`
              : entry.Detail;
            log(`[events] ${event.eventBusName} ${event.source} "${event.detailType}" ${shown}`);
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
