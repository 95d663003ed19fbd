import type { Logger } from './logger.js';

/**
 * Runs one unit of work (a sync run, a webhook delivery) with its ids on every log line it
 * writes, and takes them off again afterwards, so the next unit in the same invocation (a batch,
 * a warm container) never carries them. Keys that are undefined are left out.
 */
export const withLogKeys = async <T>(
  logger: Logger,
  keys: Record<string, string | number | undefined>,
  work: () => Promise<T>,
): Promise<T> => {
  const defined = Object.fromEntries(Object.entries(keys).filter(([, value]) => value !== undefined));
  logger.appendKeys?.(defined);
  try {
    return await work();
  } finally {
    logger.removeKeys?.(Object.keys(defined));
  }
};
