/**
 * A run's first Admin call (shopify/queries/sync-probe.ts): the granted scopes, and for each
 * resource starting an incremental sync, whether its page query would find anything and the
 * count the reconcile compares. A resource with nothing since its watermark is complete without
 * a page: the probe asks with the page's own listing and filter (`updated_at:>='watermark -
 * overlap'`, equal timestamps included), so it hides no change the page would have shown. Deletes
 * were never the page's to see: the reconcile finds them.
 */
import * as z from 'zod';
import type { ResourceDefinition } from '../../resources/kit/definition.js';
import { type GraphqlCallStats, type ShopifyGraphql } from '../../shopify/graphql.js';
import { syncProbe } from '../../shopify/queries/sync-probe.js';
import type { ResourceProgress } from './progress.js';

/** What one probe answered. */
export interface ProbeAnswer {
  readonly grantedScopes: readonly string[];
  /** Probed resources with no record updated since their filter: a page would be empty. */
  readonly unchanged: readonly string[];
  /** Shopify's count of each unchanged resource, taken with the probe, for the reconcile. */
  readonly counts: Readonly<Record<string, number>>;
  readonly stats: GraphqlCallStats;
}

/** A resource as the probe sees it: its documents and where its sync stands. */
export interface ProbeCandidate {
  readonly definition: Pick<ResourceDefinition<unknown>, 'name' | 'document' | 'updatedSince' | 'reconcile'>;
  readonly progress: ResourceProgress;
}

/**
 * An incremental sync not yet begun: one page from the watermark is all the probe can stand for
 * (a full sync, a run part-way through a listing or a bulk operation goes on as it is).
 */
export const probeable = ({ status, pages, checkpoint }: ResourceProgress): boolean =>
  status === 'pending' &&
  pages === 0 &&
  checkpoint.sliceFrom !== null &&
  checkpoint.cursor === null &&
  checkpoint.bulk === undefined;

const scopesSchema = z.object({
  currentAppInstallation: z.object({ accessScopes: z.array(z.object({ handle: z.string().min(1) })) }),
});
const listingSchema = z.object({ nodes: z.array(z.unknown()) });
const countSchema = z.object({ count: z.number().int() }).nullable();

/** Asks Shopify the probe for `candidates` (the probeable ones; the scopes whatever they are). */
export const probeStore = async (
  graphql: ShopifyGraphql,
  candidates: readonly ProbeCandidate[],
): Promise<ProbeAnswer> => {
  const probed = candidates.filter((candidate) => probeable(candidate.progress));
  const probe = syncProbe(
    probed.map(({ definition }) => ({
      name: definition.name,
      pageDocument: definition.document,
      countDocument: definition.reconcile.countQuery,
    })),
  );
  const filterOf = new Map(
    probed.map(({ definition, progress }) => [
      definition.name,
      definition.updatedSince(progress.checkpoint.sliceFrom!),
    ]),
  );
  const variables = Object.fromEntries(
    probe.parts.map((part) => [part.queryVariable, filterOf.get(part.name)!]),
  );
  const { data, stats } = await graphql.query(probe.document, variables, z.looseObject(scopesSchema.shape), {
    expectedCost: probe.expectedCost,
  });
  const answer = data as Record<string, unknown>;
  const unchanged: string[] = [];
  const counts: Record<string, number> = {};
  for (const part of probe.parts) {
    if (listingSchema.parse(answer[part.changedAlias]).nodes.length > 0) continue;
    unchanged.push(part.name);
    const counted = part.countAlias ? countSchema.parse(answer[part.countAlias]) : null;
    if (counted) counts[part.name] = counted.count;
  }
  return {
    grantedScopes: data.currentAppInstallation.accessScopes.map((scope) => scope.handle),
    unchanged,
    counts,
    stats,
  };
};
