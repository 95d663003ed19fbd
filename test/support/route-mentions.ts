/**
 * The API routes a Markdown file names, and whether the route catalog has them. Two forms count:
 * a code span naming a route (`GET /organizations/{organizationId}/customers`, `POST …/sync`, or
 * a bare `/organizations/…` path), and a URL of the API in prose or code blocks
 * (`http://127.0.0.1:3000/organizations/org-demo/customers?limit=2`, `<ApiUrl>/organizations/…`).
 */
import type { ApiRoute } from '../../lambdas/handlers/catalog.js';
import type { MarkdownFile } from './markdown.js';

export interface RouteMention {
  readonly line: number;
  readonly method?: string;
  /**
   * API Gateway path syntax, possibly with optional parts in brackets (`[/{runId}]`,
   * `[?force=true]`), a leading `…/` (any prefix), a trailing `…` or `/` (anything below), and
   * `<placeholder>` segments.
   */
  readonly path: string;
  /** A URL: its segments are values (`org-demo`, `$INT`), matched by any `{parameter}`. */
  readonly concrete: boolean;
}

/** What the local runtime serves besides the catalog's routes (local/runtime.ts, console/server.ts). */
const localRuntimePaths = ['/console', '/openapi.json'];

const methods = 'GET|POST|PUT|PATCH|DELETE';
const spanRoute = new RegExp(`^(${methods})(?:\\[[^\\]]*\\])?\\s+(\\S+)$`);
const apiPath = /^(?:\/(?:organizations|integrations|webhooks|oauth)\b|…\/|\.\.\.\/)\S*$/;
const apiUrl = /(?:https?:\/\/(?:127\.0\.0\.1|localhost):3000|<ApiUrl>)(\/[^\s'"`)\]>]*)?/g;

export const routeMentions = (doc: MarkdownFile): RouteMention[] => {
  const mentions: RouteMention[] = [];
  for (const { text, line } of doc.codeSpans) {
    const withMethod = spanRoute.exec(text);
    if (withMethod && apiPath.test(withMethod[2]!)) {
      mentions.push({ line, method: withMethod[1]!, path: withMethod[2]!, concrete: false });
    } else if (apiPath.test(text)) {
      mentions.push({ line, path: text, concrete: false });
    }
    for (const match of text.matchAll(apiUrl)) mentions.push({ line, path: match[1] ?? '/', concrete: true });
  }
  doc.prose.split('\n').forEach((text, index) => {
    for (const match of text.matchAll(apiUrl))
      mentions.push({ line: index + 1, path: match[1] ?? '/', concrete: true });
  });
  for (const block of doc.codeBlocks) {
    block.text.split('\n').forEach((text, index) => {
      for (const match of text.matchAll(apiUrl))
        mentions.push({ line: block.line + 1 + index, path: match[1] ?? '/', concrete: true });
    });
  }
  return mentions;
};

/** `a[/b][?c]` → `a`, `a/b`, `a?c`, `a/b?c`. */
const expandOptional = (path: string): string[] => {
  const match = /\[([^\][]*)\]/.exec(path);
  if (!match) return [path];
  const before = path.slice(0, match.index);
  const after = path.slice(match.index + match[0].length);
  return [...expandOptional(before + after), ...expandOptional(before + match[1] + after)];
};

const segmentsOf = (path: string): string[] => path.split('/').filter((segment) => segment !== '');
const isParameter = (segment: string) => /^\{[^}]+\}$/.test(segment);

const segmentMatches = (mentioned: string, declared: string, concrete: boolean): boolean => {
  // `<name>` is the docs' placeholder for any segment (`/organizations/{organizationId}/<name>`).
  if (mentioned === declared || /^<[^>]+>$/.test(mentioned)) return true;
  // A value in a URL (org-demo, $INT, <integrationId>) fills any parameter; a template must name
  // the catalog's own parameter (`{integrationId}`, not `{id}`).
  return isParameter(declared) && (concrete || !isParameter(mentioned));
};

const pathMatches = (mentioned: string, declared: string, concrete: boolean): boolean => {
  let path = mentioned.split(/[?#]/)[0]!;
  const anyPrefix = /^(…|\.\.\.)\//.test(path);
  if (anyPrefix) path = path.replace(/^(…|\.\.\.)/, '');
  // A trailing `…`, `/*` or `/` names everything below: `/organizations/org-1/`.
  const anyRest = /(…|\.\.\.|\/\*|\/)$/.test(path);
  if (anyRest) path = path.replace(/\/?(…|\.\.\.|\*)?$/, '');
  const wanted = segmentsOf(path);
  const routeSegments = segmentsOf(declared);
  const fits = (offset: number) =>
    wanted.every((segment, index) => {
      const declaredSegment = routeSegments[offset + index];
      return declaredSegment !== undefined && segmentMatches(segment, declaredSegment, concrete);
    });
  const lengthOk = (offset: number) => anyRest || offset + wanted.length === routeSegments.length;
  if (!anyPrefix) return lengthOk(0) && fits(0);
  for (let offset = 0; offset + wanted.length <= routeSegments.length; offset += 1)
    if (lengthOk(offset) && fits(offset)) return true;
  return false;
};

export const routeExists = (mention: RouteMention, routes: readonly ApiRoute[]): boolean =>
  expandOptional(mention.path).every((path) => {
    const bare = path.split(/[?#]/)[0]!;
    if (mention.concrete && localRuntimePaths.includes(bare)) return true;
    return routes.some(
      (route) =>
        (mention.method === undefined || mention.method === route.method) &&
        pathMatches(path, route.path, mention.concrete),
    );
  });
