/**
 * The Shopify access scopes a deployment asks for and checks. Each resource definition names the
 * scopes its reads need (`scopes`); the install flow requests the union for the mirrored resources,
 * and every connect and token refresh compares what Shopify granted with it, per resource.
 */
import type { ResourceName } from '../../resources/registry.js';
import { definitionOf } from '../../resources/registry.js';

export interface ScopeOptions {
  /**
   * Mirror full history: also ask for (and require) each resource's `fullHistoryScope`, e.g.
   * `read_all_orders`, without which Shopify lists only the last 60 days of orders.
   */
  readonly fullHistory?: boolean;
}

/** The scopes one resource needs, with the deployment's options applied. */
export const scopesOf = (resource: ResourceName, options: ScopeOptions = {}): readonly string[] => {
  const { scopes, fullHistoryScope } = definitionOf(resource);
  return options.fullHistory && fullHistoryScope ? [...scopes, fullHistoryScope] : scopes;
};

/** Every scope the mirrored resources need, sorted and once each: what the install flow requests. */
export const requiredScopes = (
  resources: readonly ResourceName[],
  options: ScopeOptions = {},
): readonly string[] => [...new Set(resources.flatMap((resource) => scopesOf(resource, options)))].sort();

/**
 * Shopify grants `write_x` in place of `read_x` (a write scope implies the read one), and answers
 * the granted scopes comma-separated (OAuth) or as a list (GraphQL `accessScopes`).
 */
const grantedSet = (granted: string | readonly string[]): ReadonlySet<string> => {
  const handles = typeof granted === 'string' ? granted.split(',') : granted;
  const set = new Set<string>();
  for (const raw of handles) {
    const handle = raw.trim();
    if (!handle) continue;
    set.add(handle);
    if (handle.startsWith('write_')) set.add(`read_${handle.slice('write_'.length)}`);
  }
  return set;
};

/** Per resource, the needed scopes Shopify did not grant; resources that lack nothing are absent. */
export const missingScopesByResource = (
  resources: readonly ResourceName[],
  granted: string | readonly string[],
  options: ScopeOptions = {},
): Partial<Record<ResourceName, readonly string[]>> => {
  const have = grantedSet(granted);
  const missing: Partial<Record<ResourceName, readonly string[]>> = {};
  for (const resource of resources) {
    const lacking = scopesOf(resource, options).filter((scope) => !have.has(scope));
    if (lacking.length > 0) missing[resource] = lacking;
  }
  return missing;
};
