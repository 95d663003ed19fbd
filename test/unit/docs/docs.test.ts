/**
 * The docs say only what the code does: every internal link and anchor resolves, every API route
 * they name is in the route catalog, every repository path they name exists, and the facts they
 * repeat (the Shopify API version, the subscribed topics) are the code's.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { apiRoutes } from '../../../lambdas/handlers/catalog.js';
import { configKeys, parseConfig } from '../../../lib/config.js';
import { backendEventTypes } from '../../../lambdas/core/events/backend-events.js';
import { webhookTopicsFor } from '../../../lambdas/core/integrations/webhook-subscriptions.js';
import { defaultResourceNames, resourceDefinitions } from '../../../lambdas/resources/registry.js';
import { SHOPIFY_API_VERSION } from '../../../lambdas/shopify/api-version.js';
import { readMarkdown, type MarkdownFile } from '../../support/markdown.js';
import { routeMentions, type RouteMention, routeExists } from '../../support/route-mentions.js';

const root = process.cwd();

/** Build output, dependencies and test artefacts: not the repository's own docs. */
const notSources = new Set(['node_modules', '.git', 'cdk.out', 'coverage', 'test-output', '.bench', 'dist']);

const markdownFiles = (dir = root): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (notSources.has(entry.name)) return [];
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return markdownFiles(full);
    return entry.name.endsWith('.md') ? [path.relative(root, full)] : [];
  });

const files = markdownFiles().sort();
const parsed = new Map<string, MarkdownFile>(
  files.map((file) => [file, readMarkdown(readFileSync(path.join(root, file), 'utf8'))]),
);
const docOf = (file: string): MarkdownFile => parsed.get(file)!;

/** `docs/benchmarks-history.md` is a log of past runs: the files it names may have moved since. */
const historyLogs = new Set(['docs/benchmarks-history.md']);
/** The upgrade guide's example moves to the next version: it quotes other versions on purpose. */
const aboutOtherVersions = new Set([...historyLogs, 'docs/upgrading-shopify-api.md']);

describe('the repository docs', () => {
  it('finds the docs to check', () => {
    expect(files).toEqual(
      expect.arrayContaining(['README.md', 'CHANGELOG.md', 'docs/operations.md', 'docs/cost.md']),
    );
  });

  it('every internal link and #anchor resolves (GitHub anchor rules)', () => {
    const broken: string[] = [];
    for (const file of files) {
      for (const { target, line } of docOf(file).links) {
        const problem = brokenLink(file, target);
        if (problem) broken.push(`${file}:${line} ${target}: ${problem}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('every API route the docs name is in the route catalog (lambdas/handlers/catalog.ts)', () => {
    const unknown: string[] = [];
    for (const file of files) {
      for (const mention of routeMentions(docOf(file))) {
        if (!routeExists(mention, apiRoutes))
          unknown.push(`${file}:${mention.line} ${describeMention(mention)}`);
      }
    }
    expect(unknown).toEqual([]);
  });

  it('every repository path the docs name in `code` exists', () => {
    const missing: string[] = [];
    for (const file of files.filter((f) => !historyLogs.has(f))) {
      for (const { text, line } of docOf(file).codeSpans) {
        const problem = missingRepoPath(file, text);
        if (problem) missing.push(`${file}:${line} ${text}: ${problem}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('every npm script the docs run exists in package.json', () => {
    const { scripts } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    const missing: string[] = [];
    for (const file of files.filter((f) => !historyLogs.has(f))) {
      const doc = docOf(file);
      const texts = [...doc.codeSpans, ...doc.codeBlocks];
      for (const { text, line } of texts) {
        for (const match of text.matchAll(/\bnpm run ([\w:.-]+)/g)) {
          if (!(match[1]! in scripts)) missing.push(`${file}:${line} npm run ${match[1]}`);
        }
      }
    }
    expect(missing).toEqual([]);
  });

  it(`every Shopify API version the docs quote is the pinned one (${SHOPIFY_API_VERSION})`, () => {
    const quoted: string[] = [];
    for (const file of files.filter((f) => !aboutOtherVersions.has(f))) {
      const source = readFileSync(path.join(root, file), 'utf8');
      for (const pattern of apiVersionQuotes) {
        for (const match of source.matchAll(pattern)) {
          if (match[1] !== SHOPIFY_API_VERSION) quoted.push(`${file}: ${match[0]}`);
        }
      }
    }
    expect(quoted).toEqual([]);
  });

  it("the README's shopify.app.toml example declares the pinned API version and the compliance topics", () => {
    const toml = docOf('README.md').codeBlocks.find((block) => block.info === 'toml');
    expect(toml?.text).toContain(`api_version = "${SHOPIFY_API_VERSION}"`);
    expect(toml?.text).toContain(
      'compliance_topics = ["customers/data_request", "customers/redact", "shop/redact"]',
    );
  });

  it("the README's configuration table has every CDK context key, with its default, and no other", () => {
    const section = /## Configuration\n([\s\S]*?)\n## /.exec(
      readFileSync(path.join(root, 'README.md'), 'utf8'),
    )?.[1];
    expect(section, 'the README section "## Configuration"').toBeDefined();
    const defaults = parseConfig({});
    const documented = new Map<string, string>();
    for (const row of section!.split('\n').filter((line) => line.startsWith('| `'))) {
      const [keys = '', defaultCell = ''] = row
        .split('|')
        .slice(1)
        .map((cell) => cell.trim());
      const names = [...keys.matchAll(/`([a-zA-Z]+)`/g)].map((match) => match[1]!);
      const values = defaultCell.includes('`')
        ? [...defaultCell.matchAll(/`([^`]*)`/g)].map((m) => m[1]!)
        : [];
      names.forEach((name, index) => documented.set(name, values[index] ?? 'none'));
    }
    expect([...documented.keys()].sort()).toEqual([...configKeys].sort());
    const shown = (value: unknown) =>
      value === undefined || (Array.isArray(value) && value.length === 0)
        ? 'none'
        : Array.isArray(value)
          ? value.join(',')
          : typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
            ? String(value)
            : JSON.stringify(value);
    const wrongDefaults = configKeys
      .filter((key) => documented.get(key) !== shown(defaults[key]))
      .map((key) => `${key}: README says ${documented.get(key)}, lib/config.ts ${shown(defaults[key])}`);
    expect(wrongDefaults).toEqual([]);
  });

  it("the README's table of backend events lists every detail-type the stack publishes", () => {
    const section = /### Events for your backend\n([\s\S]*?)\n## /.exec(
      readFileSync(path.join(root, 'README.md'), 'utf8'),
    )?.[1];
    // The table's body: the rows after its `| --- |` line.
    const body = (section ?? '').split(/^\|[\s|-]+\|$/m)[1] ?? '';
    const listed = [...body.matchAll(/^\| `([^`]+)`/gm)].map((match) => match[1]);
    expect(listed.sort()).toEqual([...backendEventTypes].sort());
  });

  it('operations.md lists exactly the topics a store is subscribed to (from the resource definitions)', () => {
    const source = readFileSync(path.join(root, 'docs/operations.md'), 'utf8');
    const listed = /<!-- subscribed-topics -->([\s\S]*?)<!-- \/subscribed-topics -->/.exec(source)?.[1];
    expect(listed, 'the <!-- subscribed-topics --> list in docs/operations.md').toBeDefined();
    const topics = [...listed!.matchAll(/`([A-Z_]+)`/g)].map((match) => match[1]);
    // The default `resources`: the opt-in ones (locations, inventory) add their topics when named.
    const mirrored = resourceDefinitions.filter((definition) =>
      defaultResourceNames.includes(definition.name),
    );
    expect(topics).toEqual(webhookTopicsFor(mirrored, resourceDefinitions).wanted);
  });
});

// ---------------------------------------------------------------------------------------------

/** Where docs quote an API version: endpoints, the TOML, and prose naming the Admin API. */
const apiVersionQuotes = [
  /\/admin\/api\/(\d{4}-\d{2})\//g,
  /api_version\s*=\s*"(\d{4}-\d{2})"/g,
  /(?:Admin (?:GraphQL )?API|GraphQL Admin API|Admin GraphQL)[ ,(]+(\d{4}-\d{2})\b/g,
  /`shopifyApiVersion`\s*\|\s*`(\d{4}-\d{2})`/g,
];

const describeMention = (mention: RouteMention) =>
  `${mention.method ? `${mention.method} ` : ''}${mention.path}`;

function brokenLink(file: string, target: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target)) return undefined; // https:, mailto: … (no network here)
  const [pathPart = '', anchor] = target.split('#', 2);
  const resolved =
    pathPart === '' ? file : path.normalize(path.join(path.dirname(file), decodeURI(pathPart)));
  if (resolved.startsWith('..')) return 'points outside the repository';
  if (!existsSync(path.join(root, resolved))) return `no such file (${resolved})`;
  if (anchor === undefined || anchor === '') return undefined;
  if (!resolved.endsWith('.md')) return undefined; // GitHub's #L10 line anchors and the like
  const doc = parsed.get(resolved);
  if (!doc) return `not a checked Markdown file (${resolved})`;
  if (!doc.anchors.has(decodeURIComponent(anchor))) return `no heading with anchor #${anchor} in ${resolved}`;
  return undefined;
}

/** Top-level folders of `lambdas/`: the docs name its files relative to it (`core/sync/…`). */
const lambdasFolders = new Set(readdirSync(path.join(root, 'lambdas')));
const topLevel = new Set(readdirSync(root).filter((name) => !notSources.has(name)));
/** File names anywhere in the repository, for a bare `catalog.ts`. */
const allFileNames = (() => {
  const names = new Set<string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (notSources.has(entry.name)) continue;
      if (entry.isDirectory()) walk(path.join(dir, entry.name));
      else names.add(entry.name);
    }
  };
  walk(root);
  return names;
})();

const pathLike = /^[\w.@-]+(?:\/[\w.@-]+)*\/?(?:\/\*)?$/;
const checkedExtensions = /\.(ts|js|json|md|png|css|html)$/;

/**
 * A code span that names a repository path: one whose first segment is a top-level entry of the
 * repository (or of `lambdas/`, which the architecture docs use as their root), or a bare file
 * name with a source extension. Anything else (`application/json`, `read_orders`) is not a path.
 */
function missingRepoPath(file: string, text: string): string | undefined {
  if (!pathLike.test(text)) return undefined;
  const clean = text.replace(/\/\*$/, '').replace(/\/$/, '');
  const [first] = clean.split('/');
  if (!clean.includes('/')) {
    if (!checkedExtensions.test(clean) || topLevel.has(clean)) return undefined;
    return allFileNames.has(clean) ? undefined : 'no file of that name in the repository';
  }
  const candidates = new Set([
    ...(topLevel.has(first!) ? [clean] : []),
    ...(lambdasFolders.has(first!) ? [path.join('lambdas', clean)] : []),
    ...(existsSync(path.join(root, path.dirname(file), first!))
      ? [path.join(path.dirname(file), clean)]
      : []),
  ]);
  if (candidates.size === 0) return undefined;
  return [...candidates].some((candidate) => existsSync(path.join(root, candidate)))
    ? undefined
    : `not found (looked for ${[...candidates].join(', ')})`;
}

describe("the README's IAM example", () => {
  const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
  const arns = [...readme.matchAll(/"arn:aws:execute-api:<region>:<account>:<ApiId>\/([^"]+)"/g)].map(
    (match) => match[1]!,
  );
  /** IAM's matching: `*` is any run of characters, `/` included. */
  const allows = (resource: string) =>
    arns.some((pattern) =>
      new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replaceAll('*', '.*')}$`).test(resource),
    );
  const resourceOf = (method: string, routePath: string, organizationId: string) =>
    `$default/${method}${routePath
      .replace('{organizationId}', organizationId)
      .replace(/\{[A-Za-z]+\}/g, 'x-1')}`;

  it('names one ARN per method the IAM routes use, each anchored at the stage', () => {
    const methods = [...new Set(apiRoutes.filter((r) => r.auth === 'IAM').map((r) => r.method))].sort();
    expect(arns.map((arn) => arn.split('/')[1]).sort()).toEqual(methods);
    for (const arn of arns) expect(arn).toMatch(/^\$default\/[A-Z]+\/organizations\/org-1\/\*$/);
  });

  it('allows every IAM route of org-1, and no route of another organization (org-10 included)', () => {
    for (const route of apiRoutes.filter((r) => r.auth === 'IAM')) {
      expect([route.path, allows(resourceOf(route.method, route.path, 'org-1'))]).toEqual([route.path, true]);
      for (const other of ['org-10', 'org-2', 'x'])
        expect([route.path, other, allows(resourceOf(route.method, route.path, other))]).toEqual([
          route.path,
          other,
          false,
        ]);
      // A path that merely contains the prefix further down is not the tenant's.
      expect(allows(`$default/${route.method}/organizations/org-2/organizations/org-1/x`)).toBe(false);
    }
  });
});
