/**
 * Small bar charts drawn as SVG by hand: a few dozen rectangles do not earn a charting library.
 * The SVG stretches to its box (bars only, no text inside it, so nothing distorts); labels are
 * HTML around it. Every bar carries its value (data-value) and a tooltip (<title>), and the SVG
 * one sentence for screen readers.
 */

export interface Bar {
  /** Stable id of what the bar stands for (a run id, an hour). */
  readonly key: string;
  readonly value: number;
  /** The tooltip: what the bar is, in words. */
  readonly label: string;
  readonly tone?: 'ok' | 'warn' | 'bad';
}

export interface ChartOptions {
  /** `data-chart` of the figure, for tests and styles. */
  readonly id: string;
  readonly title: string;
  /** How the largest value reads ("67 s", "1,204"). */
  readonly format: (value: number) => string;
  /** Under the bars: where the axis starts and ends ("5 Dec", "now"). */
  readonly axis: readonly [string, string];
  /** One sentence for screen readers. */
  readonly summary: string;
  readonly empty: string;
  /** Said over the bars when every one is zero. */
  readonly none?: string;
}

const svgNs = 'http://www.w3.org/2000/svg';
const WIDTH = 600;
const HEIGHT = 100;
const MIN_SLOTS = 24;

const svg = <K extends keyof SVGElementTagNameMap>(tag: K, attributes: Record<string, string | number>) => {
  const node = document.createElementNS(svgNs, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  return node;
};

const html = <K extends keyof HTMLElementTagNameMap>(tag: K, className: string, text = '') => {
  const node = document.createElement(tag);
  node.className = className;
  node.textContent = text;
  return node;
};

/** A figure with one bar per item, oldest left; replaces its own content when redrawn. */
export function barChart(figure: HTMLElement, bars: readonly Bar[], options: ChartOptions): void {
  figure.className = 'chart';
  figure.dataset.chart = options.id;
  const max = Math.max(0, ...bars.map((bar) => bar.value));
  const caption = html('figcaption', 'chart-title', options.title);

  const drawing = svg('svg', {
    viewBox: `0 0 ${WIDTH} ${HEIGHT}`,
    preserveAspectRatio: 'none',
    role: 'img',
    'aria-label': bars.length ? options.summary : options.empty,
  });
  drawing.append(svg('line', { x1: 0, y1: HEIGHT - 0.5, x2: WIDTH, y2: HEIGHT - 0.5, class: 'baseline' }));
  // At least MIN_SLOTS slots, the newest bar at the right edge ("now"): a few runs read as a few
  // thin bars, not as a wall of colour.
  const slots = Math.max(bars.length, MIN_SLOTS);
  const slot = WIDTH / slots;
  const gap = Math.min(2, slot * 0.2);
  const offset = slots - bars.length;
  bars.forEach((bar, position) => {
    const index = position + offset;
    // A non-zero value is never drawn invisible: at least two units tall.
    const height = max > 0 && bar.value > 0 ? Math.max(2, (bar.value / max) * (HEIGHT - 4)) : 0;
    const rect = svg('rect', {
      x: index * slot + gap / 2,
      y: HEIGHT - height,
      width: Math.max(0.5, slot - gap),
      height,
      class: `bar ${bar.tone ?? ''}`.trim(),
      'data-key': bar.key,
      'data-value': bar.value,
    });
    const title = svg('title', {});
    title.textContent = bar.label;
    rect.append(title);
    drawing.append(rect);
  });

  const frame = html('div', 'chart-frame');
  frame.append(drawing);
  if (max > 0) frame.append(html('span', 'chart-max', `max ${options.format(max)}`));
  if (!bars.length) frame.append(html('p', 'chart-empty', options.empty));
  else if (max === 0 && options.none) frame.append(html('p', 'chart-empty', options.none));
  const axis = html('div', 'chart-axis');
  axis.append(html('span', '', options.axis[0]), html('span', '', options.axis[1]));
  figure.replaceChildren(caption, frame, axis);
}
