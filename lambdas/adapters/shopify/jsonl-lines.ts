/**
 * Streams a bulk operation's JSONL file over HTTP, one line at a time: the body is decoded as it
 * arrives and only the current partial line is held, whatever the file's size. Lines before
 * `fromLine` are read and dropped (a storage URL offers no line index; bytes are cheap, Shopify
 * points and DynamoDB writes are not).
 */
import { type BulkResultReader, BulkResultUnavailableError } from '../../core/bulk/ports.js';

export interface JsonlReaderOptions {
  readonly fetch?: typeof fetch;
}

export const createJsonlReader = ({ fetch: fetchFn = fetch }: JsonlReaderOptions = {}): BulkResultReader => ({
  async *lines(url, fromLine) {
    const response = await fetchFn(url);
    // Signed storage URLs answer 403 once expired (404 once deleted): re-run the operation.
    if (response.status === 403 || response.status === 404 || response.status === 410) {
      await response.body?.cancel();
      throw new BulkResultUnavailableError(response.status);
    }
    if (!response.ok || !response.body) {
      await response.body?.cancel();
      throw new Error(`Bulk result download failed: HTTP ${response.status}`);
    }
    const decoder = new TextDecoder();
    let pending = '';
    let index = 0;
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        pending += done ? decoder.decode() : decoder.decode(value, { stream: true });
        // Scan with an index and cut the remainder once per chunk: slicing per line would copy
        // the rest of the chunk for every line.
        let start = 0;
        let newline = pending.indexOf('\n', start);
        while (newline !== -1) {
          if (newline > start) {
            if (index >= fromLine) yield pending.slice(start, newline);
            index += 1;
          }
          start = newline + 1;
          newline = pending.indexOf('\n', start);
        }
        pending = pending.slice(start);
        if (done) break;
      }
      if (pending.length > 0 && index >= fromLine) yield pending;
    } finally {
      // A consumer that stops early (pause, failure) must not leave the download running.
      await reader.cancel().catch(() => {});
    }
  },
});
