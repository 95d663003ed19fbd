/**
 * Cold start: what each Lambda bundle costs to import, next to a bare handler that imports the
 * DynamoDB document client with the same esbuild options (the least any of them can load).
 * Target: the webhook bundle within 1.5x of it. Judged on CPU time (median of fresh processes,
 * interleaved): the import is single-threaded work that an idle Lambda core does at that pace,
 * while wall time on a shared 2-core machine also measures everyone else. Both are printed.
 */
import { progress } from '../support/environment.js';
import { type Figure, fixed } from '../support/figure.js';
import { type BundleMeasure, measureBundles } from './bundles.js';

const kib = (bytes: number) => `${fixed(bytes / 1024, bytes < 10_240 ? 1 : 0)} KiB`;
const describe = (b: BundleMeasure) =>
  `${b.name} ${kib(b.bytes)}, ${fixed(b.importCpuMs)} ms CPU/${fixed(b.importMs)} ms wall`;

export async function coldStart(root: string, quick: boolean): Promise<Figure> {
  const runs = quick ? 5 : 9;
  progress(`Cold start: bundle import times, ${runs} fresh processes per bundle`);
  const { bundles, minimal, dynamodb, note } = await measureBundles(root, runs);
  const webhook = bundles.find((b) => b.name === 'webhook');
  const ratio = webhook ? webhook.importCpuMs / dynamodb.importCpuMs : Number.NaN;
  const ratios = bundles.map((b) => `${describe(b)} (${fixed(b.importCpuMs / dynamodb.importCpuMs, 2)}x)`);
  return {
    id: 'Cold',
    title: 'Lambda bundles: size and import time (cold start)',
    measured: `webhook ${fixed(ratio, 2)}x the DynamoDB baseline's import CPU; ${ratios.join('; ')}`,
    baseline: `${describe(dynamodb)} (bare handler importing lib-dynamodb + client-dynamodb); ${describe(minimal)}${note ? ` (${note})` : ''}`,
    target: 'webhook import <= 1.5x DynamoDB baseline',
    pass: ratio <= 1.5,
    data: { bundles, minimal, dynamodb, ratio, ...(note && { note }) },
  };
}
