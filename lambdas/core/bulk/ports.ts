/**
 * Bulk operation results: a JSONL file behind a URL that expires. Read line by line, from any
 * line offset, so a file of any size never sits in memory and a killed worker resumes where it
 * stopped (adapters/shopify/jsonl-lines.ts implements it over HTTP).
 */
export interface BulkResultReader {
  /** The file's lines from `fromLine` (0-based), without their newlines; empty lines skipped. */
  lines(url: string, fromLine: number): AsyncIterable<string>;
}

/** The result URL no longer answers (expired, or gone): the operation must be run again. */
export class BulkResultUnavailableError extends Error {
  constructor(readonly status: number) {
    super(`Bulk operation result is no longer available (HTTP ${status})`);
    this.name = 'BulkResultUnavailableError';
  }
}
