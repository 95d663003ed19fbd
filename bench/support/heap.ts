/**
 * Heap in use after a full garbage collection: what a process retains, as opposed to RSS, which
 * also counts garbage not yet collected and memory V8 keeps reserved. Comparing it at two points
 * of a long run tells whether anything is kept per request.
 */
import path from 'node:path';
import { setFlagsFromString, writeHeapSnapshot } from 'node:v8';
import { runInNewContext } from 'node:vm';

let collect: (() => void) | undefined;

/** `gc()` without starting Node with --expose-gc (the flag takes effect for new contexts). */
const gc = (): void => {
  if (!collect) {
    const exposed = (globalThis as { gc?: () => void }).gc;
    if (exposed) collect = exposed;
    else {
      setFlagsFromString('--expose-gc');
      collect = runInNewContext('gc') as () => void;
    }
  }
  collect();
};

/** MiB of heap in use after a full GC. With BENCH_HEAP_SNAPSHOTS=<dir>, also writes a snapshot there. */
export const heapAfterGcMiB = (label: string): number => {
  // Twice: the first pass runs finalizers whose objects the second one frees.
  gc();
  gc();
  const dir = process.env['BENCH_HEAP_SNAPSHOTS'];
  if (dir) writeHeapSnapshot(path.join(dir, `${label}.heapsnapshot`));
  return Math.round((process.memoryUsage().heapUsed / 2 ** 20) * 10) / 10;
};
