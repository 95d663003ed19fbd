/** The docs tests' own reading of Markdown: if it misreads, the docs tests pass for nothing. */
import { describe, expect, it } from 'vitest';
import type { ApiRoute } from '../../../lambdas/handlers/catalog.js';
import { githubSlug, readMarkdown, renderedHeadingText } from '../../support/markdown.js';
import { routeExists, routeMentions } from '../../support/route-mentions.js';

describe('heading anchors (GitHub rules)', () => {
  it.each([
    [
      'Sync pipeline: failures, the dead-letter queue and redrive',
      'sync-pipeline-failures-the-dead-letter-queue-and-redrive',
    ],
    ["A resource's ACCESS_DENIED", 'a-resources-access_denied'],
    ['The API, scoped per organization', 'the-api-scoped-per-organization'],
    [
      'P4: webhook latency (target: p99 <= 2x a bare PutItem handler)',
      'p4-webhook-latency-target-p99--2x-a-bare-putitem-handler',
    ],
    ['Try it against the local runtime', 'try-it-against-the-local-runtime'],
  ])('%s → #%s', (heading, slug) => {
    expect(githubSlug(renderedHeadingText(heading))).toBe(slug);
  });

  it('renders code, links and emphasis before slugging, and numbers repeated headings', () => {
    const doc = readMarkdown(
      ['# `npm start` and [the *console*](x.md)', '## Notes', '## Notes', '<a id="custom"></a>'].join('\n'),
    );
    expect([...doc.anchors]).toEqual(['npm-start-and-the-console', 'notes', 'notes-1', 'custom']);
  });
});

describe('links and code', () => {
  const doc = readMarkdown(
    [
      'See [ops](docs/operations.md#runbook) and <https://example.com>.',
      '`a link [inside](code.md) is not a link`, nor a `#` heading:',
      '```bash',
      '# not a heading',
      'curl http://127.0.0.1:3000/organizations/org-1/customers',
      '```',
      'A span that wraps (`GET',
      '/organizations/{organizationId}/integrations`) is one span.',
      '',
      '[ref]: CHANGELOG.md',
    ].join('\n'),
  );

  it('finds inline, autolinks and reference links, not those inside code', () => {
    expect(doc.links.map((link) => link.target)).toEqual([
      'docs/operations.md#runbook',
      'CHANGELOG.md',
      'https://example.com',
    ]);
  });

  it('reads fenced blocks apart, with no headings in them', () => {
    expect(doc.headings).toEqual([]);
    expect(doc.codeBlocks).toHaveLength(1);
    expect(doc.codeBlocks[0]!.info).toBe('bash');
  });

  it('joins a code span that wraps a line, as rendered', () => {
    expect(doc.codeSpans.map((span) => span.text)).toContain(
      'GET /organizations/{organizationId}/integrations',
    );
  });
});

describe('route mentions against a catalog', () => {
  const routes: ApiRoute[] = [
    { method: 'GET', path: '/organizations/{organizationId}/integrations', lambda: 'api', auth: 'IAM' },
    {
      method: 'GET',
      path: '/organizations/{organizationId}/integrations/{integrationId}/sync-runs',
      lambda: 'api',
      auth: 'IAM',
    },
    {
      method: 'GET',
      path: '/organizations/{organizationId}/integrations/{integrationId}/sync-runs/{runId}',
      lambda: 'api',
      auth: 'IAM',
    },
  ];
  const exists = (markdown: string) =>
    routeMentions(readMarkdown(markdown)).map((mention) => routeExists(mention, routes));

  it('accepts the catalog path, an elided prefix, optional parts and URL values', () => {
    expect(
      exists(
        [
          '`GET /organizations/{organizationId}/integrations`',
          '`GET …/integrations/{integrationId}/sync-runs[/{runId}]`',
          '`/organizations/{organizationId}/…`',
          '```',
          'curl "http://127.0.0.1:3000/organizations/org-demo/integrations/$INT/sync-runs?limit=2"',
          '```',
        ].join('\n'),
      ),
    ).toEqual([true, true, true, true]);
  });

  it('refuses a path outside the catalog, another parameter name, another method, a missing optional part', () => {
    expect(
      exists(
        [
          '`GET /integrations/{integrationId}/sync-runs`',
          '`GET /organizations/{organizationId}/integrations/{id}/sync-runs`',
          '`POST /organizations/{organizationId}/integrations`',
          '`GET …/integrations[/{integrationId}]`',
          'http://127.0.0.1:3000/organizations/org-demo/nothing',
        ].join('\n'),
      ),
    ).toEqual([false, false, false, false, false]);
  });
});
