/** The few DOM helpers every part of the page uses. */
import { absoluteTime, relativeTime } from './format.js';

export const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

export const element = <K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Partial<HTMLElementTagNameMap[K]> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] => {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
};

export type Tone = 'ok' | 'warn' | 'bad' | 'idle';

export const setBadge = (badge: HTMLElement, text: string, tone: Tone) => {
  badge.textContent = text;
  badge.className = `badge ${tone}`;
};

/**
 * "4 min ago", with the absolute time and its timezone in the tooltip and, for screen readers,
 * in the text itself (a tooltip alone is not announced).
 */
export const timeElement = (iso: string, now: number, prefix = ''): HTMLTimeElement => {
  const absolute = absoluteTime(iso);
  const time = element('time', { dateTime: iso, title: absolute });
  time.append(
    `${prefix}${relativeTime(iso, now)}`,
    element('span', { className: 'visually-hidden' }, ` (${absolute})`),
  );
  return time;
};

/**
 * Messages next to a control. An outcome the operator only needs to notice clears itself; an
 * error stays until the next attempt.
 */
export const messenger = (target: HTMLElement) => {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const show = (content: string | Node, tone: 'info' | 'error', clearAfterMs?: number) => {
    clearTimeout(timer);
    target.replaceChildren(content);
    target.dataset.tone = tone;
    if (clearAfterMs !== undefined) timer = setTimeout(clear, clearAfterMs);
  };
  const clear = () => {
    clearTimeout(timer);
    target.replaceChildren();
    delete target.dataset.tone;
  };
  return {
    /** A passing outcome: gone after a few seconds. */
    note: (content: string | Node) => show(content, 'info', 8_000),
    /** Stays while something is under way; the caller replaces or clears it. */
    hold: (content: string | Node) => show(content, 'info'),
    error: (content: string | Node) => show(content, 'error'),
    clear,
    get text() {
      return target.textContent ?? '';
    },
  };
};
export type Messenger = ReturnType<typeof messenger>;
