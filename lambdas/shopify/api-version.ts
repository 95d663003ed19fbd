/**
 * The Shopify Admin API version this code is written for: every GraphQL document is validated
 * against this version's schema (vendored as `schema/admin-<version>.json.gz`), the webhook
 * payload schemas follow its REST shapes, and the stack, the local runtime, the simulator and the
 * README's `shopify.app.toml` all take it from here. Moving to the next version:
 * docs/upgrading-shopify-api.md.
 */
export const SHOPIFY_API_VERSION = '2026-10';

/** Shopify's quarterly release names: `YYYY-01`, `-04`, `-07`, `-10`. */
export const apiVersionPattern = /^\d{4}-(01|04|07|10)$/;
