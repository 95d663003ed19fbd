/**
 * The operational settings handlers read from the Lambda environment (the stack and the local
 * runtime fill them): where backend events go, and when a store counts as stale or as having
 * lost its webhooks. A bad value fails the cold start naming the variable.
 */
import { z } from 'zod';

const minutes = (fallback: number) => z.coerce.number().int().nonnegative().default(fallback);

const schema = z.object({
  /** `default` (the account's bus) or the name of the stack's own bus. */
  EVENT_BUS_NAME: z.string().min(1).default('default'),
  /** 3× the sync interval: a store this long without a successful sync is stale. */
  STALE_AFTER_MINUTES: minutes(180),
  WEBHOOKS_SILENT_AFTER_MINUTES: minutes(360),
});

export interface OperationsSettings {
  readonly eventBusName: string;
  readonly staleAfterMs: number;
  readonly webhooksSilentAfterMs: number;
}

export const operationsSettingsFromEnv = (
  env: Record<string, string | undefined> = process.env,
): OperationsSettings => {
  const parsed = schema.safeParse(env);
  if (!parsed.success)
    throw new Error(
      `Invalid operations settings: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  return {
    eventBusName: parsed.data.EVENT_BUS_NAME,
    staleAfterMs: parsed.data.STALE_AFTER_MINUTES * 60_000,
    webhooksSilentAfterMs: parsed.data.WEBHOOKS_SILENT_AFTER_MINUTES * 60_000,
  };
};
