/**
 * Streams a bulk operation's JSONL file over HTTP, one line at a time: the body is read only as
 * fast as lines are taken, and only the current partial line is held, whatever the file's size.
 * Lines before `fromLine` are read and dropped (a storage URL offers no line index; bytes are
 * cheap, Shopify points and DynamoDB writes are not).
 */
import { type BulkResultReader, BulkResultUnavailableError } from '../../core/bulk/ports.js';

export interface JsonlReaderOptions {
  readonly fetch?: typeof fetch;
}

const NEWLINE = 0x0a;

const joined = (head: Uint8Array, tail: Uint8Array): Uint8Array => {
  const bytes = new Uint8Array(head.byteLength + tail.byteLength);
  bytes.set(head);
  bytes.set(tail, head.byteLength);
  return bytes;
};

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
    // Lines are cut from the bytes and each decoded on its own (a newline byte never occurs inside
    // a UTF-8 sequence). Decoding whole chunks made a string per chunk (~128 KiB, V8's large
    // objects) that every line sliced from it kept alive, and that V8 moved into its old
    // generation: ~1 KiB of garbage a line that only a full collection frees (issue 10).
    const decoder = new TextDecoder();
    let partial: Uint8Array | undefined;
    let index = 0;
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        let start = 0;
        let newline = value.indexOf(NEWLINE, start);
        while (newline !== -1) {
          const piece = value.subarray(start, newline);
          const line = partial ? joined(partial, piece) : piece;
          partial = undefined;
          if (line.byteLength > 0) {
            if (index >= fromLine) yield decoder.decode(line);
            index += 1;
          }
          start = newline + 1;
          newline = value.indexOf(NEWLINE, start);
        }
        // A copy: the rest of the chunk is not kept for one partial line.
        if (start < value.byteLength)
          partial = partial ? joined(partial, value.subarray(start)) : value.slice(start);
      }
      if (partial && partial.byteLength > 0 && index >= fromLine) yield decoder.decode(partial);
    } finally {
      // A consumer that stops early (pause, failure) must not leave the download running.
      await reader.cancel().catch(() => {});
    }
  },
});
