import type { MachineInfo } from './environment.js';
import type { Figure } from './figure.js';

const verdict = (figure: Figure) => (figure.pass === undefined ? '-' : figure.pass ? 'PASS' : 'MISS');
const cell = (text: string) => text.replaceAll('|', '\\|');

/** A Markdown table, so the output can be pasted into docs/benchmarks.md as is. */
export function renderTable(
  figures: readonly Figure[],
  machine: MachineInfo,
  elapsedSeconds: number,
  quick: boolean,
): string {
  const lines = [
    `Machine: ${machine.cpus} x ${machine.cpuModel}, ${machine.memoryGiB} GiB RAM, Node ${machine.node}, ${machine.platform}`,
    `Date: ${machine.date}; ${quick ? 'quick run' : 'full run'} in ${elapsedSeconds} s`,
    '',
    '| figure | measured | baseline (same run) | target | result |',
    '|---|---|---|---|---|',
    ...figures.map(
      (f) =>
        `| ${f.id} ${cell(f.title)} | ${cell(f.measured)} | ${cell(f.baseline)} | ${cell(f.target)} | ${verdict(f)} |`,
    ),
    '',
  ];
  return lines.join('\n');
}
