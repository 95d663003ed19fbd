import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { compactLogLine, terminalOutput } from '../../../local/terminal-output.js';
import { defineCommand, helpText } from '../../../scripts/support/command-line.js';

const fakeStream = (isTTY: boolean) => {
  const writes: string[] = [];
  const stream = { isTTY, columns: 40, write: (text: string) => writes.push(text) > 0 };
  return { stream: stream as unknown as NodeJS.WriteStream, writes };
};

/** What a terminal shows after these writes: lines, with "move n lines up + erase below" applied. */
// eslint-disable-next-line no-control-regex -- the escape sequences are what is under test
const redraw = /(\u001b\[\d+F\u001b\[J)/;
const screen = (writes: readonly string[]): string[] => {
  const rows: string[] = [];
  for (const part of writes.join('').split(redraw)) {
    const up = redraw.test(part) ? Number(part.slice(2, part.indexOf('F'))) : 0;
    if (up > 0) rows.splice(rows.length - up);
    else rows.push(...part.split('\n').slice(0, -1));
  }
  return rows;
};

describe('terminal output', () => {
  it('on a TTY redraws the status block in place under the lines that stay', () => {
    const { stream, writes } = fakeStream(true);
    const output = terminalOutput(stream);
    output.line('banner');
    output.status(['customers running 10', 'orders queued']);
    output.status(['customers running 20', 'orders queued']);
    output.line('12:00:00 INFO  an event');
    output.status(['customers completed 250', 'orders running 5']);
    expect(screen(writes)).toEqual([
      'banner',
      '12:00:00 INFO  an event',
      'customers completed 250',
      'orders running 5',
    ]);
    output.clearStatus();
    expect(screen(writes)).toEqual(['banner', '12:00:00 INFO  an event']);
  });

  it('elsewhere prints lines only, never the block', () => {
    const { stream, writes } = fakeStream(false);
    const output = terminalOutput(stream);
    output.status(['customers running 10']);
    output.line('event');
    expect(writes.join('')).toBe('event\n');
  });

  it('cuts block lines to the terminal width, so a redraw never leaves a wrapped half behind', () => {
    const { stream, writes } = fakeStream(true);
    terminalOutput(stream).status(['x'.repeat(100)]);
    expect(screen(writes)[0]!.length).toBeLessThan(40);
  });

  it('a handler log line becomes one short line: time, level, function, message, its own fields', () => {
    const line = compactLogLine({
      level: 'WARN',
      message: 'Sync attempt failed; retrying soon',
      timestamp: '2026-12-07T12:01:02.345Z',
      service: 'shopify-sync',
      cold_start: false,
      function_name: 'local-syncWorker',
      function_request_id: 'req-1',
      integrationId: 'int_0123',
      attempt: 2,
      error: { name: 'ShopifyError', message: 'Throttled', stack: 'at x' },
    });
    expect(line).toBe(
      '12:01:02 WARN  syncWorker  Sync attempt failed; retrying soon attempt=2 error="ShopifyError: Throttled"',
    );
  });
});

describe('--help', () => {
  it('is generated from the option definitions and the environment schema', () => {
    const text = helpText(
      defineCommand({
        usage: 'npm run thing -- [options]',
        summary: 'Does a thing.',
        options: {
          port: { type: 'string', valueName: 'port', default: '4000', description: 'Port to serve on' },
          quick: { type: 'boolean', short: 'q', description: 'Fewer rounds' },
        },
        environment: z.object({
          THING_PORT: z.coerce.number().default(7).describe('Where the thing listens'),
        }),
      }),
    );
    expect(text).toContain('Usage: npm run thing -- [options]');
    expect(text).toMatch(/--port <port>\s+Port to serve on \(default: 4000\)/);
    expect(text).toMatch(/-q, --quick\s+Fewer rounds/);
    expect(text).toMatch(/-h, --help/);
    expect(text).toMatch(/THING_PORT\s+Where the thing listens \(default: 7\)/);
  });
});
